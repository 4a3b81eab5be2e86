/**
 * Short names for the spec's types: its objects by schema name, and the request body and success
 * data of an operation by operationId.
 *
 *   const order: Schema<"Order"> = …;
 *   const body: RequestBody<"createDeliveryOrder"> = { … };
 *   const data: ResponseData<"getOrder"> = await unwrap(connect.GET(…));
 */
import type { ResponseObjectMap, SuccessResponse } from "openapi-typescript-helpers";
import type { components, operations } from "../generated/schema.js";

/** The name of an object of the spec (`components.schemas`), e.g. `"Order"`, `"Store"`, `"ServiceOption"`. */
export type SchemaName = keyof components["schemas"];

/** An object of the spec by name: `Schema<"Order">`. */
export type Schema<Name extends SchemaName> = components["schemas"][Name];

/** The operationId of an operation of the spec, e.g. `"getOrder"`. */
export type OperationId = keyof operations;

/** The JSON request body of an operation: `RequestBody<"createDeliveryOrder">` (never for one without a body). */
export type RequestBody<Id extends OperationId> = operations[Id] extends { requestBody?: infer Body }
  ? NonNullable<Body> extends { content: { "application/json": infer Json } }
    ? Json
    : never
  : never;

/** The JSON data of an operation's success response: `ResponseData<"getOrder">`. */
export type ResponseData<Id extends OperationId> = SuccessResponse<ResponseObjectMap<operations[Id]>, "application/json">;
