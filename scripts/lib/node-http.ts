/**
 * Mounts a Fetch-API handler (`(request: Request) => Promise<Response>`, such as
 * `createCallbackHandler`) on `node:http`. The README shows the same adapter.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";

export function toNodeListener(
  handler: (request: Request) => Promise<Response>,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) {
      for (const each of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, each);
    }
    const method = req.method ?? "GET";
    const request = new Request(new URL(req.url ?? "/", "http://localhost"), {
      method,
      headers,
      // The body is streamed: the handler stops reading (and answers 413) past its size limit.
      ...(method === "GET" || method === "HEAD" ? {} : { body: Readable.toWeb(req) as ReadableStream, duplex: "half" }),
    });
    handler(request)
      .then(async (response) => {
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      })
      .catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
  };
}
