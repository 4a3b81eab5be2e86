/** A client-credentials token from the benchmark server, fetched the way any caller would (for the variants without a token cache). */
export async function fetchBenchToken(url: string): Promise<string> {
  const response = await fetch(`${url}/v2/oauth/token`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      client_id: "bench",
      client_secret: "bench-secret",
      grant_type: "client_credentials",
      scope: "connect:fulfillment",
    }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
