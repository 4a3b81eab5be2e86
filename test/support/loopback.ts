/**
 * A real node:http server on 127.0.0.1 (port 0) for adapter tests, and a raw TCP client that writes
 * exactly the bytes given (malformed request lines included) and tells when the server closes.
 */
import { createServer, type RequestListener, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface Loopback {
  readonly server: Server;
  readonly port: number;
  readonly origin: string;
  /** Connections the server holds open right now. */
  connections(): Promise<number>;
  /** Resolves when every connection the server accepted so far is closed. */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export async function listen(listener: RequestListener): Promise<Loopback> {
  const server = createServer(listener);
  const closings: Promise<void>[] = [];
  server.on("connection", (socket: Socket) => closings.push(new Promise((resolve) => socket.once("close", () => resolve()))));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    allClosed: async () => {
      await Promise.all(closings);
    },
    connections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export interface RawConnection {
  readonly socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves when the server has sent `text` (or rejects when the connection closes first). */
  waitFor(text: string | RegExp): Promise<string>;
  /** Resolves when the connection is closed (by either side). */
  readonly closed: Promise<void>;
}

/** Opens a TCP connection to `port` and writes `bytes`. */
export async function rawConnection(port: number, bytes = ""): Promise<RawConnection> {
  const socket = connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let text = "";
  const waiters = new Set<() => void>();
  socket.on("data", (chunk: Uint8Array) => {
    text += new TextDecoder().decode(chunk);
    for (const wake of waiters) wake();
  });
  socket.on("error", () => undefined); // a reset shows as `closed`
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  void closed.then(() => {
    for (const wake of waiters) wake();
  });
  let isClosed = false;
  void closed.then(() => (isClosed = true));
  if (bytes) socket.write(bytes);
  return {
    socket,
    received: () => text,
    closed,
    waitFor: (expected) =>
      new Promise<string>((resolve, reject) => {
        const check = (): void => {
          const found = typeof expected === "string" ? text.includes(expected) : expected.test(text);
          if (found) {
            waiters.delete(check);
            resolve(text);
          } else if (isClosed) {
            waiters.delete(check);
            reject(new Error(`connection closed before ${String(expected)}; received: ${JSON.stringify(text)}`));
          }
        };
        waiters.add(check);
        check();
      }),
  };
}
