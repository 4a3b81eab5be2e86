/**
 * A 200 whose body is not what it claims: malformed JSON, truncated JSON, an HTML error page with a
 * JSON content type, an empty body, and 10 MB bodies. None of these is retried (the status says the
 * call worked; a create may have been processed), and each ends with a typed error or the data.
 */
import { describe, expect, it } from "vitest";
import { ConnectApiError, ConnectResponseError, unwrap, type ConnectClientOptions } from "../../src/index.ts";
import { createOrder, getOrder, ids, routes, setItemReplacements, httpFaultSuite } from "./support/calls.ts";
import { outcome, within } from "./support/harness.ts";
import type { HttpReply } from "./support/http-fault-server.ts";

const suite = httpFaultSuite("body-faults");
const { leaks, table } = suite;
const client = (extra: Partial<ConnectClientOptions> = {}) => suite.client({ timeout: 5_000, ...extra });
const JSON_TYPE = { "content-type": "application/json" };
const HTML_PAGE =
  "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr><center>nginx</center></body></html>";
const MB = 1024 * 1024;

const BAD_BODIES: [string, HttpReply][] = [
  ["malformed JSON", { raw: '{"order_id": "o-1",, "status": }', headers: JSON_TYPE }],
  ["truncated JSON (complete HTTP body, JSON cut off)", { raw: '{"order_id": "o-1", "status": "deliv', headers: JSON_TYPE }],
  ["an HTML error page with a JSON content type", { raw: HTML_PAGE, headers: JSON_TYPE }],
  ["10 MB of malformed JSON", { raw: `{"items": [${'"x",'.repeat((10 * MB) / 4)}`, headers: JSON_TYPE }],
];

describe.each(BAD_BODIES)("a 200 with %s", (name, reply) => {
  it.each(["GET", "POST"] as const)("%s: a ConnectResponseError, not retried, within the budget", async (method) => {
    const path = ids("body");
    const route = method === "GET" ? routes.getOrder(path) : routes.createOrder(path);
    suite.server.on(route, reply, { body: { order_id: path.order_id } });
    const connect = client();
    const settled = await within(5_000, () => (method === "GET" ? getOrder(connect, path) : createOrder(connect, path)));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectResponseError);
    const error = settled.error as ConnectResponseError;
    const operation =
      method === "GET"
        ? "getOrder (GET /v2/fulfillment/users/{user_id}/orders/{order_id})"
        : "createDeliveryOrder (POST /v2/fulfillment/users/{user_id}/orders/delivery)";
    expect(error.message).toBe(`${operation} answered HTTP 200 with a body that is not valid JSON`);
    expect(error.status).toBe(200);
    expect(error.cause).toBeInstanceOf(SyntaxError);
    // A 10 MB body does not end up in the message (nor in the cause's).
    expect(error.message.length).toBeLessThan(200);
    expect((error.cause as Error).message.length).toBeLessThan(200);
    expect(suite.server.count(route)).toBe(1);
    table.add({
      fault: `200 with ${name} (${method})`,
      expected: "ConnectResponseError, not retried",
      observed: `${outcome(settled)}; ${suite.server.count(route)} request`,
    });
  });
});

describe("a 200 with an empty body", () => {
  it.each(["GET", "POST"] as const)("%s on an operation whose spec documents a body: a ConnectResponseError", async (method) => {
    const path = ids("body");
    const route = method === "GET" ? routes.getOrder(path) : routes.createOrder(path);
    suite.server.on(route, { raw: "", headers: JSON_TYPE });
    const connect = client();
    const settled = await within(2_000, () => (method === "GET" ? getOrder(connect, path) : createOrder(connect, path)));
    leaks.error(settled.error);
    expect(settled.error).toBeInstanceOf(ConnectResponseError);
    expect((settled.error as Error).message).toMatch(/answered HTTP 200 with an empty body, where the spec documents one$/);
    expect(suite.server.count(route)).toBe(1);
    table.add({
      fault: `200 with an empty body (${method}, body documented)`,
      expected: "ConnectResponseError, not retried",
      observed: `${outcome(settled)}; ${suite.server.count(route)} request`,
    });
  });

  it("PUT on an operation whose spec documents no body fields: data undefined, no error (the documented rule)", async () => {
    const path = ids("body");
    const route = routes.setItemReplacements(path);
    suite.server.on(route, { raw: "", headers: JSON_TYPE });
    const settled = await within(2_000, () => setItemReplacements(client(), path));
    expect(settled.ok).toBe(true);
    expect(settled.value!.response.status).toBe(200);
    expect(settled.value!.data).toBeUndefined();
    expect(settled.value!.error).toBeUndefined();
    expect(suite.server.count(route)).toBe(1);
    table.add({
      fault: "200 with an empty body (PUT setItemReplacements, no body documented)",
      expected: "data undefined, no error (README rule)",
      observed: `${outcome(settled)}; data ${String(settled.value!.data)}`,
    });
  });
});

describe("10 MB bodies", () => {
  it("a 10 MB JSON 200 is read whole and parsed, once, within the budget", async () => {
    const path = ids("body");
    const route = routes.getOrder(path);
    const items = Array.from({ length: 10 * 1024 }, (_, i) => ({ line_num: String(i), note: "n".repeat(1000) }));
    const raw = JSON.stringify({ order_id: path.order_id, items });
    expect(raw.length).toBeGreaterThan(10 * MB);
    suite.server.on(route, { raw, headers: JSON_TYPE });
    const settled = await within(5_000, () => getOrder(client(), path));
    expect(settled.ok).toBe(true);
    const data = settled.value!.data as unknown as { order_id: string; items: unknown[] };
    expect(data.order_id).toBe(path.order_id);
    expect(data.items).toHaveLength(items.length);
    expect(JSON.stringify(data).length).toBe(raw.length);
    expect(suite.server.count(route)).toBe(1);
    table.add({
      fault: "200 with a 10 MB JSON body (GET)",
      expected: "read whole, parsed, data",
      observed: `${outcome(settled)}; ${(raw.length / MB).toFixed(1)} MB parsed`,
    });
  });

  it("a 10 MB HTML 500 page: an error result whose ConnectApiError message stays short", async () => {
    const path = ids("body");
    const route = routes.createOrder(path);
    const page = `<html><body>${"<p>Internal Server Error</p>".repeat((10 * MB) / 28)}</body></html>`;
    suite.server.on(route, { status: 500, raw: page, headers: { "content-type": "text/html" } });
    const settled = await within(5_000, () => createOrder(client(), path));
    expect(settled.value!.response.status).toBe(500);
    expect(suite.server.count(route)).toBe(1);
    const error = await unwrap(settled.value!).catch((e: unknown) => e);
    leaks.error(error);
    expect(error).toBeInstanceOf(ConnectApiError);
    expect((error as Error).message).toBe(
      "createDeliveryOrder (POST /v2/fulfillment/users/{user_id}/orders/delivery) failed with HTTP 500",
    );
    table.add({
      fault: "500 with a 10 MB HTML page (POST)",
      expected: "error result, sent once, short ConnectApiError message",
      observed: `${outcome(settled)}; unwrap: "${(error as Error).message}"`,
    });
  });
});

describe("leak scan", () => {
  it("finds neither the client secret nor any issued token in anything collected", () => {
    expect(leaks.watched).toBeGreaterThan(5);
    expect(leaks.captured.length).toBeGreaterThan(50);
    expect(leaks.scan()).toEqual([]);
  });
});
