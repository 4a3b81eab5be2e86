/** Where `npm start` runs: the simulator (with the demo's own receiver), or the server the environment names. */
import { servers } from "../../generated/operations.ts";
import { createSimulator, type Simulator } from "../../src/simulator/index.ts";
import { startDemoReceiver, type DemoReceiver } from "./demo-events.ts";

export interface Target {
  server: string;
  clientId: string;
  clientSecret: string;
  label: string;
  /** Set when the demo runs against the simulator, with the receiver its callbacks go to. */
  simulated?: { simulator: Simulator; receiver: DemoReceiver };
}

/** Where the flow runs: the simulator, or the server named by the environment. */
export async function chooseTarget(
  argv: string[],
  env: NodeJS.ProcessEnv,
  print: (line: string) => void = () => undefined,
): Promise<Target> {
  const { INSTACART_CLIENT_ID: clientId, INSTACART_CLIENT_SECRET: clientSecret, INSTACART_SERVER: server } = env;
  const configured = [clientId, clientSecret, server].filter((v) => v !== undefined && v !== "").length;
  if (configured === 0) {
    const receiver = await startDemoReceiver(print);
    const simulator = await createSimulator({ callbacks: receiver.callbacks });
    return {
      server: simulator.url,
      clientId: simulator.clientId,
      clientSecret: simulator.clientSecret,
      label: `the Instacart Connect simulator on ${simulator.url} (instacart-connect/simulator); callbacks go to the demo's receiver on ${receiver.origin}`,
      simulated: { simulator, receiver },
    };
  }
  if (configured < 3) {
    throw new Error("set all of INSTACART_CLIENT_ID, INSTACART_CLIENT_SECRET and INSTACART_SERVER, or none to use the simulator");
  }
  const isProduction = server === "production" || server!.replace(/\/+$/, "") === servers.production;
  if (isProduction && !argv.includes("--production")) {
    throw new Error(
      "INSTACART_SERVER is production: this flow creates (and cancels) a real order. Re-run with `npm start -- --production` if you mean it.",
    );
  }
  return { server: server!, clientId: clientId!, clientSecret: clientSecret!, label: `${server} (from INSTACART_SERVER)` };
}
