/**
 * Runs the node:http fault server in a worker thread, for the load runs: with its own event loop
 * the server does not compete with the client for the test's event loop (as in real life), and a
 * request is never starved for seconds behind 100 others. Commands come as messages; every token
 * the server issues is posted back at once, for the leak scan.
 */
import { parentPort, workerData } from "node:worker_threads";
import { TOKEN_ROUTE, startHttpFaultServer } from "./http-fault-server.ts";
import type { WorkerCommand, WorkerReply } from "./worker-server.ts";

const port = parentPort!;
const { clientId, clientSecret } = workerData as { clientId: string; clientSecret: string };
const server = await startHttpFaultServer({
  clientId,
  clientSecret,
  onIssue: (token) => port.postMessage({ type: "issued", token } satisfies WorkerReply),
});

port.on("message", async (command: WorkerCommand) => {
  let reply: WorkerReply;
  switch (command.type) {
    case "configure":
      server.reset();
      server.expiresIn = command.expiresIn;
      server.usesPerToken = command.usesPerToken ?? Number.POSITIVE_INFINITY;
      server.enforceExpiry = true;
      reply = { type: "done", id: command.id };
      break;
    case "stats":
      reply = {
        type: "stats",
        id: command.id,
        tokenRequests: server.count(TOKEN_ROUTE),
        tokens: server.tokens.map((t) => ({ ...t })),
        maxConcurrentTokenRequests: server.maxConcurrentTokenRequests,
        unauthorized: server.unauthorized,
        accepted: command.routes.map((route) => server.accepted(route)),
      };
      break;
    case "close":
      await server.close();
      reply = { type: "done", id: command.id };
      break;
  }
  port.postMessage(reply);
  if (command.type === "close") port.close();
});
port.postMessage({ type: "ready", url: server.url } satisfies WorkerReply);
