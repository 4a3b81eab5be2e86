/**
 * The request and response objects the transport uses instead of stream-backed ones. On Node.js a
 * `Request` or `Response` with a body creates a web `ReadableStream` (and `fetch(request)` copies the
 * request's stream and signal again), which costs more than the rest of a call's work put together.
 * The transport already holds each body in memory (a request body is re-sent by every attempt; a
 * response body is read inside the attempt's timeout), so these objects keep it there.
 */

/**
 * What openapi-fetch builds for a call when no middleware is registered (given to it as its `Request`
 * class): the URL, method, headers, serialized body and signal, as given. The transport makes the
 * real request, once per attempt.
 */
export class CallRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: NonNullable<RequestInit["body"]> | null;
  readonly signal: AbortSignal | null;

  constructor(url: string, init: RequestInit = {}) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.body = init.body ?? null;
    this.signal = init.signal ?? null;
    // The check `new Request` makes, so that such a call fails the same way with or without middleware.
    if (this.body !== null && (this.method === "GET" || this.method === "HEAD")) {
      throw new TypeError("Request with GET/HEAD method cannot have body.");
    }
  }
}

type BodyMember = "body" | "bodyUsed" | "arrayBuffer" | "blob" | "formData" | "json" | "text" | "clone" | "url";
/** `Response`, typed without the body members `BufferedResponse` replaces (the typings declare them as properties). */
type ResponseBase = new (body: null, init: ResponseInit) => Omit<Response, BodyMember>;
const decoder = new TextDecoder();

/** A `Response` whose body has already been read into memory. */
export type BufferedResponse = Response;
let BufferedResponseClass: new (buffer: ArrayBuffer, init: ResponseInit, url?: string) => BufferedResponse;

/**
 * A `Response` whose body has already been read into memory (`url`: where it came from). `json()`,
 * `text()`, `arrayBuffer()` and `bytes()` read the buffer directly; `body`, `blob()` and
 * `formData()` use a stream-backed `Response` made on first use. Reading the body twice fails as
 * with any `Response`.
 */
export function bufferedResponse(buffer: ArrayBuffer, init: ResponseInit, url = ""): BufferedResponse {
  // The class is made on first use: reading the global `Response` loads Node's fetch (about 30 ms),
  // which importing this package should not do.
  BufferedResponseClass ??= defineBufferedResponse(Response as unknown as ResponseBase);
  return new BufferedResponseClass(buffer, init, url);
}

function defineBufferedResponse(Base: ResponseBase): new (buffer: ArrayBuffer, init: ResponseInit, url?: string) => BufferedResponse {
  class Buffered extends Base {
    #buffer: ArrayBuffer;
    #url: string;
    #used = false;
    #streamed: Response | undefined;

    constructor(buffer: ArrayBuffer, init: ResponseInit, url = "") {
      super(null, init);
      this.#buffer = buffer;
      this.#url = url;
    }

    get url(): string {
      return this.#url;
    }

    /** The same response backed by a stream, for the members that need one. */
    #stream(): Response {
      if (this.#streamed === undefined) {
        this.#streamed = new Response(this.#buffer, { status: this.status, statusText: this.statusText, headers: this.headers });
        // Already read through the buffer: the stream is consumed too.
        if (this.#used) void this.#streamed.body?.cancel();
      }
      return this.#streamed;
    }

    #take(): ArrayBuffer {
      if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
      this.#used = true;
      return this.#buffer;
    }

    get body(): ReadableStream<Uint8Array> | null {
      return this.#stream().body;
    }

    get bodyUsed(): boolean {
      return this.#streamed ? this.#streamed.bodyUsed : this.#used;
    }

    async arrayBuffer(): Promise<ArrayBuffer> {
      return this.#streamed ? this.#streamed.arrayBuffer() : this.#take();
    }

    async bytes(): Promise<Uint8Array> {
      return this.#streamed ? new Uint8Array(await this.#streamed.arrayBuffer()) : new Uint8Array(this.#take());
    }

    async text(): Promise<string> {
      return this.#streamed ? this.#streamed.text() : decoder.decode(this.#take());
    }

    async json(): Promise<unknown> {
      return this.#streamed ? this.#streamed.json() : JSON.parse(decoder.decode(this.#take()));
    }

    async blob(): Promise<Blob> {
      return this.#stream().blob();
    }

    async formData(): Promise<FormData> {
      return this.#stream().formData();
    }

    clone(): Response {
      if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
      if (this.#streamed) return this.#streamed.clone();
      return new Buffered(this.#buffer.slice(0), { status: this.status, statusText: this.statusText, headers: this.headers }, this.#url);
    }
  }
  return Buffered;
}
