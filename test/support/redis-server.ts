/**
 * A throwaway Redis (Debian's redis-server) on 127.0.0.1 and a free port, no persistence, stopped by
 * PID. For the event store tests and the token cache's.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findBinary, startChild } from "./child-server.ts";
import { freePort } from "./free-port.ts";

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startRedisServer(): Promise<RedisServer> {
  const binary = findBinary(["/usr/bin/redis-server", "/usr/local/bin/redis-server"], "apt-get install -y redis-server");
  const dir = await mkdtemp(join(tmpdir(), "redis-"));
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", dir];
  const child = await startChild(binary, args, /Ready to accept connections/);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    pid: child.pid,
    async stop() {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
