import { describe, expect, it } from "vitest";
import { ConnectCallbackError, ConnectError, isKnownCallbackEvent, parseCallbackEvent, type CallbackErrorReason } from "../../src/index.ts";
import { THIRD_PARTY_EVENT_NAMES } from "../support/event-names.ts";
import { eventBody } from "./callback-server.ts";

const BRAND_NEW_DOCS = `{
  "event_id": 1201895966044343904,
  "event_name": "fulfillment.brand_new",
  "event_timestamp": "2020-07-07T16:35:22Z",
  "event_metadata": { "order_id": "b7fab7ae-11fc-4453-98e1-a00000000000" }
}`;
const CHAT_DOCS = `{"event_id": 1368, "event_name": "chat_message_created", "event_timestamp": "2021-09-23T00:33:09Z", "event_metadata": {"topic_id": "101"}}`;

function refusal(body: string | Uint8Array): ConnectCallbackError {
  try {
    parseCallbackEvent(body);
  } catch (error) {
    if (error instanceof ConnectCallbackError) return error;
    throw error;
  }
  throw new Error(`parsed without error: ${String(body)}`);
}

describe("parseCallbackEvent: precision", () => {
  it("keeps an event_id of 9223372036854775807 exact, as a string", () => {
    const event = parseCallbackEvent(eventBody("9223372036854775807", "fulfillment.delivered"));
    expect(event.event_id).toBe("9223372036854775807");
    // What JSON.parse would have made of it:
    expect(String(JSON.parse(eventBody("9223372036854775807", "x")).event_id)).toBe("9223372036854776000");
  });

  it("keeps the docs' Brand new event_id exact where JSON.parse rounds it", () => {
    expect(parseCallbackEvent(BRAND_NEW_DOCS).event_id).toBe("1201895966044343904");
    expect(String(JSON.parse(BRAND_NEW_DOCS).event_id)).toBe("1201895966044343800");
  });

  it("reads the body as bytes too (Uint8Array and ArrayBuffer)", () => {
    const bytes = new TextEncoder().encode(eventBody("9223372036854775807", "fulfillment.canceled"));
    expect(parseCallbackEvent(bytes).event_id).toBe("9223372036854775807");
    expect(parseCallbackEvent(bytes.buffer as ArrayBuffer).event_id).toBe("9223372036854775807");
  });

  it("returns small event_ids as decimal strings too, so the type never changes", () => {
    expect(parseCallbackEvent(CHAT_DOCS).event_id).toBe("1368");
    expect(parseCallbackEvent(eventBody("-5", "x")).event_id).toBe("-5");
  });

  it("keeps other integers beyond 2^53 exact as strings and leaves other numbers as numbers", () => {
    const event = parseCallbackEvent(
      eventBody("1", "fulfillment.brand_new", { order_id: "o-1" }).replace(
        '"order_id":"o-1"',
        '"order_id":"o-1","line_ids":[18446744073709551615,-9007199254740993,42],"weight":1.25,"safe":9007199254740991,"exp":1e400',
      ),
    );
    expect(event.event_metadata).toEqual({
      order_id: "o-1",
      line_ids: ["18446744073709551615", "-9007199254740993", 42],
      weight: 1.25,
      safe: 9007199254740991,
      exp: Number.POSITIVE_INFINITY,
    });
  });
});

describe("parseCallbackEvent: typed events", () => {
  it("returns the docs' Brand new example as a known fulfillment.brand_new event", () => {
    const event = parseCallbackEvent(BRAND_NEW_DOCS);
    expect(isKnownCallbackEvent(event)).toBe(true);
    if (!isKnownCallbackEvent(event) || event.event_name !== "fulfillment.brand_new") throw new Error("not narrowed");
    const orderId: string = event.event_metadata.order_id;
    expect(orderId).toBe("b7fab7ae-11fc-4453-98e1-a00000000000");
    expect(event.event_timestamp).toBe("2020-07-07T16:35:22Z");
  });

  it("returns the docs' chat_message_created example with its topic_id", () => {
    const event = parseCallbackEvent(CHAT_DOCS);
    if (!isKnownCallbackEvent(event) || event.event_name !== "chat_message_created") throw new Error("not narrowed");
    const topic: string = event.event_metadata.topic_id;
    expect(topic).toBe("101");
  });

  it.each(THIRD_PARTY_EVENT_NAMES)("knows the third-party event name %s", (name) => {
    expect(isKnownCallbackEvent(parseCallbackEvent(eventBody("7", name)))).toBe(true);
  });

  it("returns an event_name it does not know as an unknown event, not an error", () => {
    const event = parseCallbackEvent(eventBody("8", "fulfillment.pickup_geofence_reached", { anything: [1, 2] }));
    expect(isKnownCallbackEvent(event)).toBe(false);
    expect(event).toEqual({
      event_id: "8",
      event_name: "fulfillment.pickup_geofence_reached",
      event_timestamp: "2020-07-07T16:35:22Z",
      event_metadata: { anything: [1, 2] },
    });
  });

  it("keeps fields the spec does not know, at the top level and in event_metadata", () => {
    const body = BRAND_NEW_DOCS.replace('"event_id"', '"retailer_id": 77, "event_id"').replace(
      '"order_id"',
      '"store_location": "s-1", "delivery_window": {"starts_at": "x"}, "order_id"',
    );
    const event = parseCallbackEvent(body) as unknown as Record<string, Record<string, unknown>>;
    expect(event.retailer_id).toBe(77);
    expect(event.event_metadata).toMatchObject({ store_location: "s-1", delivery_window: { starts_at: "x" } });
  });
});

describe("parseCallbackEvent: malformed JSON", () => {
  it.each([
    ["an empty body", ""],
    ["a truncated object", '{"event_id": 1'],
    ["a trailing comma", '{"event_id": 1,}'],
    ["single quotes", "{'event_id': 1}"],
    ["a leading zero", '{"event_id": 01}'],
    ["NaN", '{"event_id": NaN}'],
    ["a bare word", "hello"],
    ["data after the value", "{} {}"],
    ["an unterminated string", '{"event_name": "fulfillment'],
    ["a raw line break in a string", '{"event_name": "a\nb"}'],
    ["an invalid escape", '{"event_name": "\\x41"}'],
    ["a short \\u escape", '{"event_name": "\\u12"}'],
    ["a missing colon", '{"event_id" 1}'],
    ["an array without commas", "[1 2]"],
  ])("refuses %s with reason malformed_json and a position", (_, body) => {
    const error = refusal(body);
    expect(error.reason).toBe("malformed_json");
    expect(error.position).toEqual(expect.any(Number));
    expect(error.message).toMatch(/^malformed JSON: .+ at position \d+$/);
  });

  it("refuses bytes that are not UTF-8", () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    expect(refusal(bytes).reason).toBe("malformed_json");
  });

  it("refuses nesting deeper than 256 levels without exhausting the stack", () => {
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    const error = refusal(eventBody("1", "x").replace('"event_metadata":{', `"deep":${deep},"event_metadata":{`));
    expect(error.reason).toBe("malformed_json");
    expect(error.message).toMatch(/nesting deeper than 256/);
  });

  it("is a ConnectError with the name ConnectCallbackError", () => {
    const error = refusal("{");
    expect(error).toBeInstanceOf(ConnectError);
    expect(error.name).toBe("ConnectCallbackError");
  });

  it("agrees with JSON.parse on valid JSON within the safe integer range", () => {
    const values = [
      '"plain"',
      '"esc \\" \\\\ \\/ \\b \\f \\n \\r \\t"',
      '"\\u00e9\\u4e2d\\ud83d\\ude00 and a lone \\ud800"',
      '"é中😀 raw UTF-8"',
      "0",
      "-0",
      "-12.5e-3",
      "1E+2",
      "0.1",
      "9007199254740991",
      "true",
      "false",
      "null",
      "[]",
      "{}",
      ' [ 1 , { "a" : [ null , "b" ] } , "c" ] ',
      '{"dup": 1, "dup": 2}',
      '{"": "empty key"}',
    ];
    for (const value of values) {
      const body = eventBody("1", "x").replace('"event_metadata":{', `"event_metadata":{"v":${value},`);
      const expected = JSON.parse(body) as { event_metadata: Record<string, unknown> };
      const event = parseCallbackEvent(body) as unknown as { event_metadata: Record<string, unknown> };
      expect(event.event_metadata).toStrictEqual(expected.event_metadata);
    }
  });

  it("accepts a byte order mark before the JSON, as RFC 8259 allows", () => {
    expect(parseCallbackEvent(`\ufeff${CHAT_DOCS}`).event_id).toBe("1368");
    expect(parseCallbackEvent(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(CHAT_DOCS)])).event_id).toBe("1368");
  });

  it("stores a __proto__ key as an own property without touching any prototype", () => {
    const event = parseCallbackEvent(eventBody("1", "x").replace('"event_metadata":{', '"event_metadata":{"__proto__":{"polluted":true},'));
    const metadata = event.event_metadata as Record<string, unknown>;
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(Object.hasOwn(metadata, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(metadata.polluted).toBeUndefined();
  });
});

describe("parseCallbackEvent: event_id is only what an integer ID can be", () => {
  const withId = (id: string): string => eventBody(id, "fulfillment.brand_new");

  it.each([
    ["a whole number written with a fraction, that would round onto another ID", "9007199254741001.0"],
    ["a small whole number written with a fraction", "1.0"],
    ["an exponent", "1e21"],
    ["an exponent whose value is a small integer", "1E3"],
    ["a negative exponent", "100e-2"],
    ["an integer beyond 64 bits", "9223372036854775808"],
    ["a negative integer beyond 64 bits", "-9223372036854775809"],
    ["a string of digits beyond 64 bits", '"99999999999999999999"'],
    ["a string with a fraction", '"1.0"'],
    ["a string with an exponent", '"1e3"'],
    ["a string with a plus sign", '"+1"'],
    ["a hexadecimal string", '"0x10"'],
    ["a string with spaces", '" 12"'],
    ["an empty string", '""'],
    ["a string of digits and letters", '"12a"'],
  ])("refuses %s as invalid_envelope (%s)", (_, id) => {
    const error = refusal(withId(id));
    expect(error.reason).toBe("invalid_envelope");
    expect(error.path).toBe("event_id");
  });

  it("accepts a string of digits, as third-party test data sends it, as the same exact ID as the number", () => {
    expect(parseCallbackEvent(withId('"1201895966044343904"')).event_id).toBe("1201895966044343904");
    expect(parseCallbackEvent(withId('"9223372036854775807"')).event_id).toBe("9223372036854775807");
    expect(parseCallbackEvent(withId('"007"')).event_id).toBe(parseCallbackEvent(withId("7")).event_id);
  });

  it("refuses a body with more than one byte order mark, as text and as bytes", () => {
    const bom = [0xef, 0xbb, 0xbf];
    expect(refusal(`\ufeff\ufeff${CHAT_DOCS}`).reason).toBe("invalid_envelope");
    expect(refusal(new Uint8Array([...bom, ...bom, ...new TextEncoder().encode(CHAT_DOCS)])).reason).toBe("invalid_envelope");
    expect(refusal(new Uint8Array([...bom, ...bom, ...bom, ...new TextEncoder().encode(CHAT_DOCS)])).reason).toBe("invalid_envelope");
  });

  it("still reads other fractions and exponents as JSON.parse does", () => {
    const event = parseCallbackEvent(eventBody("1", "x", { a: 1.5, b: 1e3, c: 1e21, d: -0.25e1 }));
    expect(event.event_metadata).toStrictEqual({ a: 1.5, b: 1000, c: 1e21, d: -2.5 });
  });
});

describe("parseCallbackEvent: validation", () => {
  const envelope = (overrides: Record<string, string | undefined>): string => {
    const fields: Record<string, string | undefined> = {
      event_id: "1201895966044343904",
      event_name: '"fulfillment.brand_new"',
      event_timestamp: '"2020-07-07T16:35:22Z"',
      event_metadata: '{"order_id":"o-1"}',
      ...overrides,
    };
    const parts = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `"${key}":${value}`);
    return `{${parts.join(",")}}`;
  };

  it.each<[string, string, CallbackErrorReason, string, RegExp]>([
    ["a body that is an array", "[]", "invalid_envelope", "", /the body must be a JSON object, not an array/],
    ["a body that is a string", '"event"', "invalid_envelope", "", /must be a JSON object/],
    ["a body that is null", "null", "invalid_envelope", "", /not null/],
    ["a missing event_id", envelope({ event_id: undefined }), "invalid_envelope", "event_id", /event_id is required/],
    ["a fractional event_id", envelope({ event_id: "1.5" }), "invalid_envelope", "event_id", /64-bit integer written with digits only/],
    ["an event_id beyond 64 bits", envelope({ event_id: "9223372036854775808" }), "invalid_envelope", "event_id", /64-bit integer/],
    ["a missing event_name", envelope({ event_name: undefined }), "invalid_envelope", "event_name", /required/],
    ["an event_name that is a number", envelope({ event_name: "5" }), "invalid_envelope", "event_name", /must be a string/],
    ["an empty event_name", envelope({ event_name: '""' }), "invalid_envelope", "event_name", /at least 1/],
    ["a missing event_timestamp", envelope({ event_timestamp: undefined }), "invalid_envelope", "event_timestamp", /required/],
    [
      "an event_timestamp that is not ISO 8601",
      envelope({ event_timestamp: '"07/07/2020"' }),
      "invalid_envelope",
      "event_timestamp",
      /ISO 8601/,
    ],
    [
      "an impossible event_timestamp",
      envelope({ event_timestamp: '"2020-13-45T99:00:00Z"' }),
      "invalid_envelope",
      "event_timestamp",
      /ISO 8601/,
    ],
    ["a missing event_metadata", envelope({ event_metadata: undefined }), "invalid_envelope", "event_metadata", /required/],
    ["an event_metadata that is an array", envelope({ event_metadata: "[]" }), "invalid_envelope", "event_metadata", /JSON object/],
    [
      "a Brand new event without order_id",
      envelope({ event_metadata: "{}" }),
      "invalid_payload",
      "event_metadata.order_id",
      /event_metadata.order_id is required/,
    ],
    [
      "a Brand new event whose order_id is a number",
      envelope({ event_metadata: '{"order_id":42}' }),
      "invalid_payload",
      "event_metadata.order_id",
      /must be a string, not number 42/,
    ],
    [
      "a chat event without topic_id",
      envelope({ event_name: '"chat_message_created"', event_metadata: '{"order_id":"o-1"}' }),
      "invalid_payload",
      "event_metadata.topic_id",
      /topic_id is required/,
    ],
  ])("refuses %s", (_, body, reason, path, message) => {
    const error = refusal(body);
    expect(error.reason).toBe(reason);
    expect(error.path ?? "").toBe(path);
    expect(error.message).toMatch(message);
  });

  it("does not ask an unknown event for the fields of known ones", () => {
    const event = parseCallbackEvent(envelope({ event_name: '"fulfillment.customer_missing"', event_metadata: "{}" }));
    expect(isKnownCallbackEvent(event)).toBe(false);
  });
});
