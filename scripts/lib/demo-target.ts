/** Where `npm start` runs: the embedded mock, or the server the environment names. */
import { servers } from "../../generated/operations.ts";
import { startPrism, type MockServer } from "./prism.ts";

export interface Target {
  server: string;
  clientId: string;
  clientSecret: string;
  label: string;
  mock?: MockServer;
}

/** Where the flow runs: the embedded mock, or the server named by the environment. */
export async function chooseTarget(argv: string[], env: NodeJS.ProcessEnv): Promise<Target> {
  const { INSTACART_CLIENT_ID: clientId, INSTACART_CLIENT_SECRET: clientSecret, INSTACART_SERVER: server } = env;
  const configured = [clientId, clientSecret, server].filter((v) => v !== undefined && v !== "").length;
  if (configured === 0) {
    const mock = await startPrism();
    return {
      server: mock.url,
      clientId: "demo-client-id",
      clientSecret: "demo-client-secret",
      label: `the embedded mock server (Prism on ${mock.url}, pid ${mock.pid}, started from generated/openapi.json)`,
      mock,
    };
  }
  if (configured < 3) {
    throw new Error("set all of INSTACART_CLIENT_ID, INSTACART_CLIENT_SECRET and INSTACART_SERVER, or none to use the embedded mock");
  }
  const isProduction = server === "production" || server!.replace(/\/+$/, "") === servers.production;
  if (isProduction && !argv.includes("--production")) {
    throw new Error("INSTACART_SERVER is production: this flow creates (and cancels) a real order. Re-run with `npm start -- --production` if you mean it.");
  }
  return { server: server!, clientId: clientId!, clientSecret: clientSecret!, label: `${server} (from INSTACART_SERVER)` };
}

