/**
 * The smoke suite as a script (Node, Bun, Deno, edge-runtime): runs it against the Connect server
 * whose URL the bundler put in `SMOKE_API`, and prints the result on one marked line.
 */
import { runSmoke, SMOKE_MARK } from "./smoke.ts";

declare const SMOKE_API: string;

void runSmoke(SMOKE_API).then(
  (result) => console.log(SMOKE_MARK + JSON.stringify(result)),
  (error: unknown) => console.log(SMOKE_MARK + JSON.stringify({ crashed: { error: String(error) } })),
);
