/**
 * A throwaway PostgreSQL (Debian's postgresql) on 127.0.0.1 and a free port: `initdb` into a
 * temporary folder, then `postgres` in the foreground (the PID held is the server), stopped by PID.
 * As root, both run as the `postgres` user (PostgreSQL refuses to run as root).
 */
import { execFile } from "node:child_process";
import { readdirSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findBinary, startChild } from "./child-server.ts";
import { freePort } from "./free-port.ts";

const run = promisify(execFile);
/** Debian's versioned folders, newest first, then the usual bin folders. */
function binFolders(): string[] {
  let versions: string[] = [];
  try {
    versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  } catch {
    // not a Debian layout
  }
  return [...versions.map((version) => `/usr/lib/postgresql/${version}/bin`), "/usr/local/bin", "/usr/bin"];
}

export interface PostgresServer {
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The uid and gid of the `postgres` user when running as root, else undefined. */
async function postgresUser(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

export async function startPostgresServer(): Promise<PostgresServer> {
  const install = "apt-get install -y postgresql";
  const bin = binFolders();
  const initdb = findBinary(
    bin.map((dir) => join(dir, "initdb")),
    install,
  );
  const postgres = findBinary(
    bin.map((dir) => join(dir, "postgres")),
    install,
  );
  const user = await postgresUser();
  const dir = await mkdtemp(join(tmpdir(), "postgres-"));
  if (user) await chown(dir, user.uid, user.gid);
  const data = join(dir, "data");
  await run(initdb, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "--no-instructions"], { ...user });
  const port = await freePort();
  const args = [
    "-D",
    data,
    "-p",
    String(port),
    "-k",
    dir,
    "-c",
    "listen_addresses=127.0.0.1",
    "-c",
    "fsync=off",
    "-c",
    "max_connections=200",
  ];
  const child = await startChild(postgres, args, /database system is ready to accept connections/, { ...user });
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pid: child.pid,
    async stop() {
      await child.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
