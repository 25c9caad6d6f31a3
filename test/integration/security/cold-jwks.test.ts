// A cold process (this file's own fork): no JWKS was ever fetched. With the core stopped or slow,
// verifying a perfectly valid token needs the core, so it answers 503 within CORE_TIMEOUT_MS (+ margin),
// never 401 (a refresh would fail too) and never the handler; once the core is back it verifies.
import { beforeAll, describe, expect, it } from "vitest";
import { verifySession, verifySessionNetlify } from "../../../src/session/verify-session.ts";
import { netlifyRequest, readLambdaResult, readWebResponse, restApiEvent } from "../../helpers/events.ts";
import {
  authenticated,
  type Credentials,
  middyHandler,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const TIMEOUT_MS = 500;
const MARGIN_MS = 400;
const core = withSuperTokens({ env: { CORE_TIMEOUT_MS: String(TIMEOUT_MS) } });

/** A session minted by the core directly: supertokens-node has not fetched the JWKS yet. */
async function coreSession(userId: string): Promise<Credentials> {
  const res = await fetch(`${core.url}/public/recipe/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "cdi-version": "5.4" },
    body: JSON.stringify({
      userId,
      userDataInJWT: { role: "user" },
      userDataInDatabase: {},
      enableAntiCsrf: false,
    }),
  });
  const body = (await res.json()) as { accessToken: { token: string }; refreshToken: { token: string } };
  return {
    mode: "header",
    userId,
    accessToken: body.accessToken.token,
    refreshToken: body.refreshToken.token,
    antiCsrf: undefined,
    frontToken: undefined,
  };
}

let credentials: Credentials;
beforeAll(async () => {
  credentials = await coreSession("cold-user");
  core.clearRequests();
});

let handlerCalls = 0;
const spy = () => {
  handlerCalls += 1;
  return { ok: true };
};
const lambda = verifySession(spy);
const middy = middyHandler(spy);
const netlify = verifySessionNetlify(spy);

async function allWrappers() {
  const spec = authenticated(credentials, { path: "/session" });
  const out = [];
  for (const [name, call] of [
    ["verifySession", async () => readLambdaResult(await lambda(restApiEvent(spec)))],
    ["middy", async () => readLambdaResult(await middy(restApiEvent(spec), {} as never))],
    ["verifySessionNetlify", async () => readWebResponse(await netlify(netlifyRequest(spec)))],
  ] as const) {
    const started = performance.now();
    const reply = await call();
    out.push({ name, reply, elapsed: performance.now() - started });
  }
  return out;
}

describe("cold JWKS", () => {
  it("core stopped: 503 in time, no handler call", async () => {
    await core.stop();
    for (const { name, reply, elapsed } of await allWrappers()) {
      expect(reply.status, `${name}: ${reply.body}`).toBe(503);
      expect(reply.json).toEqual({ message: "session service unavailable" });
      expect(reply.cookies).toEqual([]);
      expect(elapsed, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    expect(handlerCalls).toBe(0);
    await core.restart();
  });

  it("core slow past the timeout: 503 in time, no handler call", async () => {
    core.setDelay(TIMEOUT_MS * 4);
    for (const { name, reply, elapsed } of await allWrappers()) {
      expect(reply.status, `${name}: ${reply.body}`).toBe(503);
      expect(elapsed, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    expect(handlerCalls).toBe(0);
    core.setDelay(0);
  });

  it("core answering 500: 503, no handler call", async () => {
    core.setFault("500");
    for (const { name, reply, elapsed } of await allWrappers()) {
      expect(reply.status, `${name}: ${reply.body}`).toBe(503);
      expect(elapsed, name).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
    }
    expect(handlerCalls).toBe(0);
    core.setFault(null);
  });

  it("core back: the same process verifies the same token (JWKS fetched now)", async () => {
    // jose's cooldown between JWKS fetches is 500 ms.
    await new Promise((resolve) => setTimeout(resolve, 600));
    for (const { name, reply } of await allWrappers())
      expect(reply.status, `${name}: ${reply.body}`).toBe(200);
    expect(handlerCalls).toBe(3);
    expect(core.requests.some((request) => request.path === "/.well-known/jwks.json")).toBe(true);
  });
});
