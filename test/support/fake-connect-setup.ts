/**
 * The setup the client's unit tests share: a fresh fake Connect server and test clock for every test
 * (the server closed after it), and a client of that server on that clock.
 */
import { afterEach, beforeEach } from "vitest";
import { createConnectClient, type ConnectClient, type ConnectClientOptions } from "../../src/index.ts";
import { createTestClock, type TestClock } from "./clock.ts";
import { startFakeConnect, type FakeConnect } from "./fake-connect.ts";

export interface FakeConnectSetup {
  /** The running test's fake server. */
  readonly fake: FakeConnect;
  /** The running test's clock: timeouts, waits and token expiry move only when the test advances it. */
  readonly clock: TestClock;
  /** A client of `fake` with client credentials (`client-1` and the secret given), on `clock`; backoff is 0 ms. */
  client(extra?: Partial<ConnectClientOptions>): ConnectClient;
}

/** Registers the hooks that start and close the fake for each test of the file calling it. */
export function fakeConnectPerTest(clientSecret = "secret-1"): FakeConnectSetup {
  let current: { fake: FakeConnect; clock: TestClock } | undefined;
  beforeEach(async () => {
    current = { fake: await startFakeConnect(), clock: createTestClock() };
  });
  afterEach(async () => {
    await current?.fake.close();
    current = undefined;
  });
  const running = () => {
    if (!current) throw new Error("fakeConnectPerTest: the fake server runs only inside a test");
    return current;
  };
  return {
    get fake() {
      return running().fake;
    },
    get clock() {
      return running().clock;
    },
    client: (extra = {}) =>
      createConnectClient({
        server: running().fake.url,
        clientId: "client-1",
        clientSecret,
        retryDelay: 0,
        clock: running().clock,
        ...extra,
      }),
  };
}
