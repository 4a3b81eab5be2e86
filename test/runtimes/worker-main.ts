/**
 * The smoke suite as a Workers module (workerd): `GET /smoke` runs it against the Connect server
 * whose URL the bundler put in `SMOKE_API`, and answers with the result as JSON.
 */
import { runSmoke } from "./smoke.ts";

declare const SMOKE_API: string;

// biome-ignore lint/style/noDefaultExport: a Workers module's handlers are its default export.
export default {
  async fetch(request: Request): Promise<Response> {
    if (new URL(request.url).pathname !== "/smoke") return new Response("The smoke suite runs at GET /smoke.", { status: 404 });
    const result = await runSmoke(SMOKE_API);
    return new Response(JSON.stringify(result), { headers: { "content-type": "application/json" } });
  },
};
