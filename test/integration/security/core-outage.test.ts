// Core outages with a warm process (JWKS already cached): verification keeps working without the
// core; anything that needs the core answers 503 within CORE_TIMEOUT_MS (+ margin), applies nothing
// and clears no cookie; the same process recovers on the next request once the core is back.
import { createServer } from "node:http";
import fc from "fast-check";
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { describe, expect, it } from "vitest";
import { setCoreDeadline } from "../../../src/core-client/fetch-hook.ts";
import { updateRole } from "../../../src/handlers/update-role.ts";
import { userRoles } from "../../../src/handlers/user-roles.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { type Reply, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { splitJwt } from "../../helpers/forge.ts";
import { FUZZ_SEED, malformedEvent } from "../../helpers/fuzz-events.ts";
import { listenOnLoopback } from "../../helpers/ports.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  decodeJwtPayload,
  issuedAccessToken,
  sessionTargets,
  signUp,
  withBreakableCore,
} from "../../helpers/session-client.ts";

const TIMEOUT_MS = 500;
const MARGIN_MS = 400;
const core = withBreakableCore(TIMEOUT_MS);

let handlerCalls = 0;
const infoHandler = ({ session }: { session: SessionContainer }) => {
  handlerCalls += 1;
  return { userId: session.getUserId(), payload: session.getAccessTokenPayload() };
};
const info = verifySession(infoHandler);
const update = verifySession(updateRole);
const merge = verifySession(async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ touched: Date.now() });
  return { merged: true };
});
const admin = verifySession(userRoles, { requireRoles: ["admin"] });

async function timed(handler: typeof info, credentials: Credentials, method = "POST", path = "/update-role") {
  const started = performance.now();
  const reply = readLambdaResult(await handler(restApiEvent(authenticated(credentials, { method, path }))));
  return { reply, elapsed: performance.now() - started };
}

function expectUnavailable({ reply, elapsed }: { reply: Reply; elapsed: number }, what: string) {
  expect(reply.status, `${what}: ${reply.body}`).toBe(503);
  expect(reply.json).toEqual({ message: "session service unavailable" });
  expect(elapsed, what).toBeLessThan(TIMEOUT_MS + MARGIN_MS);
  // Nothing cleared, nothing issued: the client keeps its tokens and retries.
  expect(reply.cookies, what).toEqual([]);
  expect(reply.headers.has("st-access-token"), what).toBe(false);
  expect(reply.headers.has("front-token"), what).toBe(false);
}

/** A warm session: signed up, roles granted, verified once (JWKS cached in this process). */
async function warmSession(mode: "cookie" | "header" = "header"): Promise<Credentials> {
  const credentials = await signUp(mode);
  await UserRoles.addRoleToUser("public", credentials.userId, "editor");
  const { reply } = await timed(info, credentials, "GET", "/session");
  expect(reply.status).toBe(200);
  return credentials;
}

const sessionData = async (credentials: Credentials) =>
  (await Session.getSessionInformation(String(splitJwt(credentials.accessToken).payload.sessionHandle)))
    ?.customClaimsInAccessTokenPayload;

describe("core stopped", () => {
  it("a warm session still verifies from the cached JWKS, on every shape and wrapper", async () => {
    const credentials = await warmSession();
    await core.stop();
    handlerCalls = 0;
    const targets = sessionTargets(infoHandler as never);
    for (const target of targets) {
      const started = performance.now();
      const reply = await target.call(authenticated(credentials, { path: "/session" }));
      expect(reply.status, `${target.name}: ${reply.body}`).toBe(200);
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
    }
    expect(handlerCalls).toBe(targets.length);
  });

  it("update-role, a payload merge and an admin check answer 503 in time; nothing is half-applied", async () => {
    for (const mode of ["header", "cookie"] as const) {
      const credentials = await warmSession(mode);
      const before = await sessionData(credentials);
      await core.stop();
      expectUnavailable(await timed(update, credentials), `update-role (${mode})`);
      expectUnavailable(await timed(merge, credentials), `merge (${mode})`);
      expectUnavailable(
        await timed(admin, credentials, "GET", `/users/${credentials.userId}/roles`),
        `admin (${mode})`,
      );
      await core.restart();
      // The old token is still valid and the core's copy of the payload is unchanged.
      const { reply } = await timed(info, credentials, "GET", "/session");
      expect(reply.status).toBe(200);
      expect(await sessionData(credentials)).toEqual(before);
      expect((reply.json as { payload: { role: unknown } }).payload.role).toBe("user");
      // Recovery in the same process: the next update applies the core's roles.
      const recovered = await timed(update, credentials);
      expect(recovered.reply.status, recovered.reply.body).toBe(200);
      const token = issuedAccessToken(recovered.reply, mode);
      expect(decodeJwtPayload(token!).role).toBe("editor");
    }
  });
});

describe("core slow or broken", () => {
  const scenarios: Array<[string, () => void]> = [
    [`slow (${TIMEOUT_MS * 3} ms per answer)`, () => core.setDelay(TIMEOUT_MS * 3)],
    ["answering 500", () => core.setFault("500")],
    ["answering garbage JSON", () => core.setFault("garbage")],
  ];
  for (const [name, breakCore] of scenarios) {
    it(`${name}: 503 in bounded time, verification from cache still works, recovery on the next request`, async () => {
      const credentials = await warmSession();
      breakCore();
      expectUnavailable(await timed(update, credentials), `update-role, core ${name}`);
      expectUnavailable(await timed(merge, credentials), `merge, core ${name}`);
      expectUnavailable(
        await timed(admin, credentials, "GET", `/users/${credentials.userId}/roles`),
        `admin, core ${name}`,
      );
      const cached = await timed(info, credentials, "GET", "/session");
      expect(cached.reply.status).toBe(200);
      expect(cached.elapsed).toBeLessThan(TIMEOUT_MS);

      core.setDelay(0);
      core.setFault(null);
      const recovered = await timed(update, credentials);
      expect(recovered.reply.status, recovered.reply.body).toBe(200);
      expect(decodeJwtPayload(issuedAccessToken(recovered.reply, "header")!).role).toBe("editor");
    });
  }

  it("sign-in style core calls (refresh) also answer 503, not 500, and keep the refresh token", async () => {
    const credentials = await createSession("header");
    core.setFault("500");
    const { authRoutes } = await import("../../../src/handlers/auth-routes.ts");
    const { lambdaHandler } = await import("../../../src/session/entry-points.ts");
    const started = performance.now();
    const reply = readLambdaResult(
      await lambdaHandler(authRoutes)(
        restApiEvent({
          method: "POST",
          path: "/auth/session/refresh",
          headers: { authorization: `Bearer ${credentials.refreshToken}`, "st-auth-mode": "header" },
        }),
      ),
    );
    expectUnavailable({ reply, elapsed: performance.now() - started }, "refresh, core 500");
  });
});

describe("malformed input while the core is down", () => {
  it("the bad-input corpus answers 4xx or 503, never 500 and never the handler", async () => {
    await core.stop();
    handlerCalls = 0;
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(malformedEvent, async ({ label, event }) => {
        const reply = readLambdaResult(await info(structuredClone(event) as never));
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        if (!((reply.status >= 400 && reply.status < 500) || reply.status === 503))
          throw new Error(`${label}: ${reply.status} ${reply.body.slice(0, 200)}`);
        if (typeof reply.json !== "object" || reply.json === null) throw new Error(`${label}: ${reply.body}`);
      }),
      { seed: FUZZ_SEED, numRuns: 200, endOnFailure: true },
    );
    expect(handlerCalls).toBe(0);
    console.log(JSON.stringify({ corpus: "bad-input, core down", runs: 200, statuses }));
  });
});

describe("a connection the core resets", () => {
  it("is retried once on a fresh connection instead of failing the request", async () => {
    let requests = 0;
    const flaky = createServer((req, res) => {
      requests += 1;
      // The first request dies with a reset, like a keep-alive socket the core closed while idle.
      if (requests === 1) return req.socket.destroy();
      res.setHeader("content-type", "application/json");
      res.end('{"status":"OK"}');
    });
    const { url } = await listenOnLoopback(flaky);
    try {
      setCoreDeadline(url, TIMEOUT_MS);
      const res = await fetch(`${url}/recipe/roles`, { method: "POST", body: "{}" });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "OK" });
      expect(requests).toBe(2);
    } finally {
      flaky.closeAllConnections();
      await new Promise((resolve) => flaky.close(resolve));
    }
  });
});
