// Forged and stale tokens, each refused with 401 and no handler call, on every platform shape and
// wrapper (verifySession on six Lambda shapes, middy on the same six, verifySessionNetlify).
import Session from "supertokens-node/recipe/session";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifySession } from "../../../src/session/verify-session.ts";
import { type Reply, readLambdaResult, restApiEvent, type Target } from "../../helpers/events.ts";
import {
  algNone,
  FORGERY_KINDS,
  type Forgery,
  foreignRs256,
  forgeries,
  otherAppToken,
  splitJwt,
} from "../../helpers/forge.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  holding,
  refreshSession,
  sessionTargets,
  signUp,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const core = withSuperTokens();

let handlerCalls = 0;
const spy = () => {
  handlerCalls += 1;
  return { reached: "handler" };
};
beforeEach(() => {
  handlerCalls = 0;
});

const targets = () => sessionTargets(spy as never);
const withDb = () => sessionTargets(spy as never, { checkDatabase: true });

const asHeader = (token: string) => holding("header", token);
const asCookie = (token: string) => holding("cookie", token);

const MESSAGES = new Set(["try refresh token", "unauthorised", "token theft detected"]);

function expectRefused(reply: Reply, what: string) {
  expect(reply.status, `${what}: ${reply.body}`).toBe(401);
  expect(MESSAGES.has((reply.json as { message?: string }).message ?? ""), `${what}: ${reply.body}`).toBe(
    true,
  );
}

/** The token, sent as Bearer and as cookie, to every target: 401 everywhere, the handler never ran. */
async function expectRejectedEverywhere(token: string, what: string, list: Target[] = targets()) {
  for (const target of list) {
    expectRefused(
      await target.call(authenticated(asHeader(token), { path: "/session" })),
      `${what} (Bearer) ${target.name}`,
    );
    expectRefused(
      await target.call(authenticated(asCookie(token), { path: "/session" })),
      `${what} (cookie) ${target.name}`,
    );
  }
  expect(handlerCalls, what).toBe(0);
}

describe("forged tokens", () => {
  let genuine: Credentials;
  let forged: Forgery[];
  beforeAll(async () => {
    genuine = await createSession("header", "victim", { role: "user" });
    forged = await forgeries(genuine.accessToken, core.url);
  });

  it("the genuine token is accepted everywhere (control)", async () => {
    for (const target of targets()) {
      const reply = await target.call(authenticated(genuine, { path: "/session" }));
      expect(reply.status, target.name).toBe(200);
    }
    expect(handlerCalls).toBe(targets().length);
  });

  // alg none (empty signature and the original one kept); HS256 with the JWKS public key as HMAC secret
  // (PEM, JWK JSON, modulus); a valid RS256 signature by a key not in the JWKS, under a real and an unknown
  // kid; a tampered payload under the original signature (other user, admin role, later expiry…).
  it.each(FORGERY_KINDS)("%s", async (kind) => {
    const ofKind = forged.filter((forgery) => forgery.kind === kind);
    expect(ofKind.length).toBeGreaterThan(0);
    for (const { what, token } of ofKind) await expectRejectedEverywhere(token, what);
  });

  it("an expired token (signed by the core, validity 1 s)", async () => {
    await core.createApp("public", { access_token_validity: 1 });
    const short = await createSession("header", "short-lived");
    await core.createApp("public", { access_token_validity: 3600 });
    const { exp } = splitJwt(short.accessToken).payload as { exp: number };
    expect(exp - Date.now() / 1000).toBeLessThanOrEqual(1.5);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1100));
    await expectRejectedEverywhere(short.accessToken, "expired");
  });

  it("a token from another app of the same core", async () => {
    const token = await otherAppToken(await core.createApp("other"), "victim");
    await expectRejectedEverywhere(token, "other app");
    await expectRejectedEverywhere(token, "other app (checkDatabase)", withDb());
  });
});

describe("forged tokens and core load", () => {
  it("200 forged tokens with a future exp cost the core a handful of requests, not one each", async () => {
    const genuine = await createSession("header", "load-victim");
    const forgedTokens = await Promise.all(
      Array.from({ length: 4 }, (_, i) => foreignRs256(genuine.accessToken, `d-unknown-${i}`)),
    );
    const [lambda] = targets();
    const before = core.requestCount;
    const started = performance.now();
    for (let i = 0; i < 200; i++) {
      const token = i % 2 === 0 ? algNone(genuine.accessToken) : forgedTokens[i % forgedTokens.length]!;
      expectRefused(await lambda!.call(authenticated(asHeader(token), { path: "/session" })), `forged #${i}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const coreRequests = core.requestCount - before;
    console.log(JSON.stringify({ forgedTokens: 200, coreRequests, seconds }));
    // At most one reachability probe per second, plus jose's JWKS refetches (500 ms cooldown).
    expect(coreRequests).toBeLessThanOrEqual(4 * Math.ceil(seconds) + 4);
    expect(handlerCalls).toBe(0);
  });
});

describe("stale sessions", () => {
  it("a revoked session is refused when the function uses checkDatabase: true", async () => {
    const credentials = await createSession("header", "revoked-user");
    const handle = String(splitJwt(credentials.accessToken).payload.sessionHandle);
    expect(await Session.revokeSession(handle)).toBe(true);
    await expectRejectedEverywhere(credentials.accessToken, "revoked", withDb());
  });

  it("a refresh token re-used after rotation: 401 token theft, the session is gone in the core", async () => {
    const session = verifySession(spy, { checkDatabase: true });
    const first = await signUp("header");
    const handle = String(splitJwt(first.accessToken).payload.sessionHandle);
    const refresh = (refreshToken: string) => refreshSession({ ...first, refreshToken });

    const rotated = await refresh(first.refreshToken!);
    expect(rotated.status, rotated.body).toBe(200);
    const newAccess = rotated.headers.get("st-access-token")!;
    const newRefresh = rotated.headers.get("st-refresh-token")!;
    expect(newRefresh).not.toBe(first.refreshToken);
    // The client uses its new token: the rotation is confirmed in the core.
    const used = readLambdaResult(
      await session(restApiEvent(authenticated(asHeader(newAccess), { path: "/session" }))),
    );
    expect(used.status).toBe(200);
    expect(handlerCalls).toBe(1);

    // The old refresh token again (an attacker's copy): theft.
    const stolen = await refresh(first.refreshToken!);
    expect(stolen.status).toBe(401);
    expect(stolen.json).toEqual({ message: "token theft detected" });
    expect(await Session.getSessionInformation(handle)).toBeUndefined();
    // And a second time: still refused, still no session.
    expectRefused(await refresh(first.refreshToken!), "old refresh token, again");
    // Both the thief's and the victim's tokens are dead now.
    handlerCalls = 0;
    expectRefused(await refresh(newRefresh), "new refresh token after theft");
    await expectRejectedEverywhere(newAccess, "access token of the stolen session", withDb());
  });

  it("cookie mode: a non-GET request without or with a wrong anti-CSRF token is refused", async () => {
    const cookie = await signUp("cookie");
    expect(cookie.antiCsrf).toBeTruthy();
    for (const target of targets()) {
      for (const antiCsrf of [null, "wrong-anti-csrf", `${cookie.antiCsrf}x`, ""]) {
        const reply = await target.call(
          authenticated(cookie, { method: "POST", path: "/update-role", body: "{}" }, { antiCsrf }),
        );
        expectRefused(reply, `anti-csrf ${String(antiCsrf)} ${target.name}`);
      }
    }
    expect(handlerCalls).toBe(0);
    // Control: the right anti-CSRF token passes, and a GET needs none.
    for (const target of targets()) {
      expect(
        (await target.call(authenticated(cookie, { method: "POST", path: "/update-role", body: "{}" })))
          .status,
      ).toBe(200);
      expect((await target.call(authenticated(cookie, { method: "GET", path: "/session" }))).status).toBe(
        200,
      );
    }
  });
});
