/**
 * The speed tricks of the client, all behind this one seam. On Node.js a `Request` or a `Response`
 * with a body creates a web `ReadableStream` (and `fetch(request)` copies the request's stream and
 * signal again), which costs more than the rest of a call's work put together. The transport holds
 * every body in memory anyway (a request body is re-sent by each attempt; a response body is read
 * inside the attempt's timeout), so the objects below keep it there:
 *
 *   - `CallRequest` (with no middleware registered): openapi-fetch builds this plain object instead
 *     of a `Request`, and the transport hands `fetch` a URL and an init. Buys 15–25 µs of client CPU
 *     per call (a quarter of the client's own work on a GET, a third on a POST).
 *   - `bufferedResponse`: the body, read inside the attempt, is served from memory by `json()`,
 *     `text()` and `arrayBuffer()` instead of a second stream, and keeps the fetched headers instead
 *     of copying them. Buys about 20 µs of client CPU per call (a response served 5× faster), and
 *     lets the large-integer check and the parse share one decoding of the text.
 *   - `templateSerializer`: each path template is split once (in its operation's plan), not matched
 *     by a regular expression per call. Buys 1–2 µs per call.
 *
 * Together they are 35–45 µs of some 300 µs of client CPU per call over the network: without them the
 * client would be 10–15% above bare openapi-fetch, where the goal is to be at or below it (`npm run
 * bench`, "client CPU per call"; the µs above measured with `fetch` answered in memory, which
 * isolates the client's own work). Middleware see real `Request` objects (call.ts picks the class); every
 * response is a real `Response`.
 */

/** A request as openapi-fetch hands it to the transport: a real `Request`, or a `CallRequest`. */
export type OutgoingRequest = Request | CallRequest;
/** The parts of an outgoing request every attempt re-sends. */
export interface RequestParts {
  readonly url: string;
  readonly method: string;
  /** The attempt's headers (the call's own copy: the auth hook sets `Authorization` on it). */
  readonly headers: Headers;
  /** The body in memory (a stream is read once, so that every attempt sends the same bytes). */
  readonly body: NonNullable<RequestInit["body"]> | undefined;
  readonly signal: AbortSignal | undefined;
}

/**
 * What openapi-fetch builds for a call when no middleware is registered (given to it as its `Request`
 * class): the URL, method, headers, serialized body and signal, as given. Unless its body is a
 * stream, it is the parts the attempts send.
 */
export class CallRequest implements RequestParts {
  declare readonly url: string;
  declare readonly method: string;
  declare readonly headers: Headers;
  declare readonly body: NonNullable<RequestInit["body"]> | undefined;
  declare readonly signal: AbortSignal | undefined;

  constructor(url: string, init: RequestInit = {}) {
    const { method = "GET", body } = init;
    // The check `new Request` makes, so that such a call fails the same way with or without middleware.
    if (body != null && (method === "GET" || method === "HEAD")) throw new TypeError("Request with GET/HEAD method cannot have body.");
    this.url = url;
    this.method = method;
    // openapi-fetch made these headers for this call alone: no need to copy them.
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = body ?? undefined;
    this.signal = init.signal ?? undefined;
  }
}

/** The parts of a request sent to `url`, its body held in memory (a promise only when a body must be read first). */
export function requestParts(request: OutgoingRequest, url: string): RequestParts | Promise<RequestParts> {
  const { body } = request;
  if (request instanceof CallRequest && !(body instanceof ReadableStream) && url === request.url) return request;
  const parts = { url, method: request.method, headers: new Headers(request.headers), signal: request.signal ?? undefined };
  return body ? new Response(body).arrayBuffer().then((bytes) => ({ ...parts, body: bytes })) : { ...parts, body: undefined };
}

/** `{name}` in a path template. */
export const PATH_PARAM = /\{([^{}]+)\}/g;

/** What openapi-fetch calls to fill a URL's path parameters (with the URL and the call's `params.path`). */
export type PathSerializer = (url: string, params: Record<string, unknown>) => string;

/**
 * The path serializer of one URL template (the server and a path of the spec), split once: each
 * parameter percent-encoded as one segment (`/`, `?`, `#`, `%`, spaces, non-ASCII).
 */
export function templateSerializer(template: string): PathSerializer {
  // Even indexes hold the text between parameters, odd ones the parameter names.
  const parts = template.split(PATH_PARAM);
  return (_url, params) => {
    let out = "";
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? "";
      out += i % 2 === 0 ? part : encodeURIComponent(String(params[part]));
    }
    return out;
  };
}

/** Statuses whose responses have no body (`body` is null). */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const TEXT = Symbol("instacart-connect.text");
/** What reading (or cloning) a body that was read already throws, as a TypeError. */
const USED = "Body has already been read";
type BodyMember = "body" | "bodyUsed" | "arrayBuffer" | "blob" | "formData" | "json" | "text" | "clone" | "url" | "headers";
/** `Response`, typed without the body members `Buffered` replaces (the typings declare them as properties). */
type ResponseBase = new (body: null, init: ResponseInit) => Omit<Response, BodyMember>;
type BufferedClass = new (buffer: ArrayBuffer, init: ResponseInit, url?: string) => Response & { [TEXT](): string };
const decoder = new TextDecoder();
/** Made on first use: reading the global `Response` loads Node's fetch (about 30 ms), which importing this package should not do. */
let BufferedResponse: BufferedClass | undefined;

/**
 * A `Response` whose body has already been read into memory (`url`: where it came from). `json()`,
 * `text()`, `arrayBuffer()` and `bytes()` read the buffer directly; `body`, `blob()` and
 * `formData()` use a stream-backed `Response` made on first use. Reading the body twice fails as
 * with any `Response`.
 */
export function bufferedResponse(buffer: ArrayBuffer, init: ResponseInit, url = ""): Response {
  BufferedResponse ??= defineBufferedResponse(Response as unknown as ResponseBase);
  return new BufferedResponse(buffer, init, url);
}

/**
 * Reads a fetched response's body into memory (inside the attempt's timeout) and returns the buffered
 * response; undefined as soon as the body passes `limit` bytes, counted as decoded (a gzip bomb counts
 * what it inflates to): the rest is never read and the connection is dropped.
 */
export async function readResponse(raw: Response, limit: number): Promise<Response | undefined> {
  const reader = raw.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader?.read(); read?.value; read = await reader?.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      reader?.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(read.value);
  }
  // One copy into a buffer of the exact size (faster than `arrayBuffer()`, which reads the same way and copies more).
  const bytes = new Uint8Array(size);
  size = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, size);
    size += chunk.byteLength;
  }
  return bufferedResponse(bytes.buffer, raw, raw.url);
}

/** The body text of a buffered response, without consuming it (decoded once, shared with `text()` and `json()`). */
export function peekText(response: Response): string | undefined {
  return TEXT in response ? (response as Response & { [TEXT](): string })[TEXT]() : undefined;
}

/** The class of buffered responses (a function only so that the class is made on first use; each member is short). */
function defineBufferedResponse(Base: ResponseBase): BufferedClass {
  class Buffered extends Base {
    #buffer: ArrayBuffer;
    #url: string;
    #headers: Headers;
    #text: string | undefined;
    #used = false;
    #streamed: Response | undefined;

    constructor(buffer: ArrayBuffer, init: ResponseInit, url = "") {
      // The headers are kept as given, not copied into the Response (a copy costs more than the rest).
      super(null, { status: init.status ?? 200, statusText: init.statusText ?? "" });
      this.#buffer = buffer;
      this.#url = url;
      this.#headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    }

    get url(): string {
      return this.#url;
    }

    get headers(): Headers {
      return this.#headers;
    }

    get body(): ReadableStream<Uint8Array> | null {
      return this.#stream().body;
    }

    get bodyUsed(): boolean {
      return this.#streamed?.bodyUsed ?? this.#used;
    }

    [TEXT](): string {
      this.#text ??= decoder.decode(this.#buffer);
      return this.#text;
    }

    /** The same response backed by a stream (made once), for the members that need one; consumed too if the buffer was read. */
    #stream(): Response {
      if (this.#streamed === undefined) {
        const body = NULL_BODY_STATUSES.has(this.status) ? null : this.#buffer;
        this.#streamed = new Response(body, { status: this.status, statusText: this.statusText, headers: this.#headers });
        if (this.#used) void this.#streamed.body?.cancel();
      }
      return this.#streamed;
    }

    /** The buffer, once: as with any Response, a body read twice fails. */
    #take(): ArrayBuffer {
      if (this.#used) throw new TypeError(USED);
      this.#used = true;
      return this.#buffer;
    }

    async arrayBuffer(): Promise<ArrayBuffer> {
      return this.#streamed ? this.#streamed.arrayBuffer() : this.#take();
    }

    async bytes(): Promise<Uint8Array> {
      return new Uint8Array(await this.arrayBuffer());
    }

    async text(): Promise<string> {
      if (this.#streamed) return this.#streamed.text();
      this.#take();
      return this[TEXT]();
    }

    async json(): Promise<unknown> {
      return JSON.parse(await this.text());
    }

    async blob(): Promise<Blob> {
      return this.#stream().blob();
    }

    async formData(): Promise<FormData> {
      return this.#stream().formData();
    }

    clone(): Response {
      if (this.bodyUsed) throw new TypeError(USED);
      return new Buffered(this.#buffer.slice(0), this, this.#url);
    }
  }
  return Buffered as unknown as BufferedClass;
}
