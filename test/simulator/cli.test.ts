/** `instacart-connect simulate`: starts, prints its URL and credentials, serves calls, stops on SIGINT and SIGTERM. */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { root } from "../../scripts/lib/paths.ts";
import { parseCommandLine } from "../../src/simulator/cli-args.ts";

const cli = join(root, "src", "simulator", "cli.ts");
let child: ChildProcess | undefined;

afterEach(() => {
  if (child?.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  child = undefined;
});

/** Starts the CLI (through tsx, as the built bin would run the compiled file) and waits for its first screen. */
function start(args: string[]): Promise<{ process: ChildProcess; output: () => string; url: string }> {
  const started = spawn(process.execPath, ["--import", "tsx", cli, ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  child = started;
  let output = "";
  started.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  started.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url && output.includes("Ctrl-C stops it.")) resolve({ process: started, output: () => output, url });
    };
    started.stdout!.on("data", check);
    started.once("exit", (code) => reject(new Error(`the CLI exited (${code}) before listening:\n${output}`)));
  });
}

const exited = (process: ChildProcess): Promise<number | null> => new Promise((resolve) => process.once("exit", (code) => resolve(code)));

describe("instacart-connect simulate", () => {
  it.each(["SIGINT", "SIGTERM"] as const)("prints its URL and credentials, answers a token request, and stops on %s", async (signal) => {
    const { process: cliProcess, output, url } = await start(["simulate", "--client-id", "cli-id", "--client-secret", "cli-secret"]);
    expect(output()).toContain("client ID      cli-id");
    expect(output()).toContain("client secret  cli-secret");
    const response = await fetch(`${url}/v2/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "cli-id", client_secret: "cli-secret", grant_type: "client_credentials" }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ token_type: "Bearer", expires_in: 86_400 });
    const exit = exited(cliProcess);
    cliProcess.kill(signal);
    expect(await exit).toBe(0);
    expect(output()).toContain(`simulator stopped (${signal})`);
    await expect(fetch(`${url}/v2/oauth/token`, { method: "POST" })).rejects.toThrow();
  });

  it("refuses an unknown command with exit code 2 and the usage on stderr", async () => {
    const refused = spawn(process.execPath, ["--import", "tsx", cli, "serve"], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
    child = refused;
    let errors = "";
    refused.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString()));
    expect(await exited(refused)).toBe(2);
    expect(errors).toMatch(/^instacart-connect: unknown command "serve"\n\nUsage: instacart-connect simulate/);
  });
});

describe("the simulate command line", () => {
  it("turns the options into simulator options", () => {
    const callback = [
      "--callback-url",
      "http://127.0.0.1:3000/cb",
      "--callback-token-url",
      "http://127.0.0.1:3000/token",
      "--callback-client-id",
      "ic",
      "--callback-client-secret",
      "s",
    ];
    expect(parseCommandLine(["simulate", "--port", "4010", "--seed", "7", ...callback])).toEqual({
      help: false,
      options: {
        port: 4010,
        seed: 7,
        callbacks: { url: "http://127.0.0.1:3000/cb", tokenUrl: "http://127.0.0.1:3000/token", clientId: "ic", clientSecret: "s" },
      },
    });
    expect(parseCommandLine(["--help"])).toEqual({ help: true });
  });

  it("refuses half the callback options, a port that is not a number and unknown options", () => {
    expect(() => parseCommandLine(["simulate", "--callback-url", "http://127.0.0.1:1/c"])).toThrow(
      "--callback-url, --callback-token-url, --callback-client-id and --callback-client-secret go together",
    );
    expect(() => parseCommandLine(["simulate", "--port", "http"])).toThrow('--port needs a whole number, got "http"');
    expect(() => parseCommandLine(["simulate", "--verbose"])).toThrow(/Unknown option '--verbose'/);
  });
});
