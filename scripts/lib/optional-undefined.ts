/**
 * openapi-typescript `transformProperty` hook: an optional property of a schema object also accepts
 * `undefined` (`first_name?: string | undefined`), so that the generated types work in projects that
 * set `exactOptionalPropertyTypes` (openapi-typescript 7.13 has no flag for it). Without that setting
 * the types are the same as before: TypeScript already reads `?:` as "or undefined".
 */
import ts from "typescript";

export function optionalAcceptsUndefined(property: ts.PropertySignature): ts.PropertySignature | undefined {
  const { questionToken, type } = property;
  if (questionToken === undefined || type === undefined) return undefined;
  const undefinedType = ts.factory.createKeywordTypeNode(ts.SyntaxKind.UndefinedKeyword);
  const members = ts.isUnionTypeNode(type) ? [...type.types, undefinedType] : [type, undefinedType];
  return ts.factory.updatePropertySignature(
    property,
    property.modifiers,
    property.name,
    questionToken,
    ts.factory.createUnionTypeNode(members),
  );
}
