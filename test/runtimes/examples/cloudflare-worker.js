// worker.js: Cloudflare Workers, no compatibility flags needed. Bindings (secrets): CALLBACK_SIGNING_SECRET
// (at least 32 bytes, shared by every receiver), INSTACART_CALLBACK_CLIENT_ID, INSTACART_CALLBACK_CLIENT_SECRET.
import { createCallbackHandler, createCallbackTokenHandler, createCallbackTokenVerifier } from "instacart-connect/events";

function createReceiver(env) {
  const signingSecret = env.CALLBACK_SIGNING_SECRET;
  const tokenEndpoint = createCallbackTokenHandler({
    clientId: env.INSTACART_CALLBACK_CLIENT_ID,
    clientSecret: env.INSTACART_CALLBACK_CLIENT_SECRET,
    signingSecret,
  });
  const callbacks = createCallbackHandler({
    authorize: createCallbackTokenVerifier({ signingSecret }),
    onEvent: async (event) => console.log(event.event_id, event.event_name),
  });
  return (request) => (new URL(request.url).pathname === "/oauth/token" ? tokenEndpoint(request) : callbacks(request));
}

// One receiver per isolate, so that its default event store (in memory) sees every delivery the isolate gets.
let receiver;

// biome-ignore lint/style/noDefaultExport: a Workers module's handlers are its default export.
export default {
  fetch(request, env) {
    receiver ??= createReceiver(env);
    return receiver(request);
  },
};
