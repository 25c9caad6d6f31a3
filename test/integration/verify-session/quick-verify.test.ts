// The quick verify path (src/session/quick-verify.ts) against supertokens-node's getSession: every
// request below goes through two pipelines that differ only in `quickVerify`, and both must answer the
// same (status, headers, cookies, body, and the session the handler saw). The quick path must be the
// one that answered every plain valid token, and never the one that answered anything else.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { forgetSigningKeys } from "../../../src/core-client/signing-keys.ts";
import { lambdaEntry } from "../../../src/session/entry-points.ts";
import { LightSession } from "../../../src/session/light-session.ts";
import { createPipeline } from "../../../src/session/pipeline.ts";
import { httpApiEvent, type Reply, type RequestSpec, readLambdaResult } from "../../helpers/events.ts";
import { FORGERY_KINDS, forgeries, otherAppToken, splitJwt } from "../../helpers/forge.ts";
import {
  authenticated,
  type Credentials,
  createSession,
  decodeJwtPayload,
  holding,
  refreshSession,
  signUp,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const core = withSuperTokens();

/** Who answered the last request: the quick path (a LightSession) or supertokens-node. */
let answeredBy: "quick" | "getSession" | "no session" | undefined;

/** What a handler can read of its session, all of it. */
function describeSession(session: SessionContainer | undefined) {
  answeredBy =
    session === undefined ? "no session" : session instanceof LightSession ? "quick" : "getSession";
  if (!session) return { session: null };
  const tokens = session.getAllSessionTokensDangerously();
  return {
    userId: session.getUserId(),
    recipeUserId: session.getRecipeUserId().getAsString(),
    tenantId: session.getTenantId(),
    handle: session.getHandle(),
    payload: session.getAccessTokenPayload(),
    accessToken: session.getAccessToken(),
    tokens,
  };
}

const reading = (options = {}) => ({
  quick: lambdaEntry(createPipeline({ session: options, quickVerify: true }), (entered) =>
    describeSession(entered.session),
  ),
  full: lambdaEntry(createPipeline({ session: options, quickVerify: false }), (entered) =>
    describeSession(entered.session),
  ),
});

/** Both pipelines on the same request: their replies, and who answered in the quick one. */
async function both(spec: RequestSpec, options = {}) {
  const { quick, full } = reading(options);
  answeredBy = undefined;
  const quickReply = readLambdaResult(await quick(httpApiEvent(spec)));
  const quickBy = answeredBy;
  answeredBy = undefined;
  const fullReply = readLambdaResult(await full(httpApiEvent(spec)));
  return { quickReply, fullReply, quickBy };
}

const comparable = (reply: Reply) => ({
  status: reply.status,
  headers: [...reply.headers.entries()].sort(),
  cookies: [...reply.cookies].sort(),
  body: reply.json ?? reply.body,
});

async function expectSame(spec: RequestSpec, what: string, options = {}) {
  const { quickReply, fullReply, quickBy } = await both(spec, options);
  expect(comparable(quickReply), what).toEqual(comparable(fullReply));
  return { reply: quickReply, quickBy };
}

const asHeader = (token: string) => holding("header", token);
const asCookie = (token: string) => holding("cookie", token);

describe("valid tokens: the quick path answers, exactly as getSession would", () => {
  const header = withSignedInUser("header", signUp);
  const cookie = withSignedInUser("cookie", signUp);

  it("header mode, GET and POST (no anti-CSRF in header mode)", async () => {
    for (const method of ["GET", "POST", "PUT", "DELETE"]) {
      const { reply, quickBy } = await expectSame(authenticated(header, { method, path: "/s" }), method);
      expect(reply.status).toBe(200);
      expect(quickBy, method).toBe("quick");
      expect((reply.json as { userId: string }).userId).toBe(header.userId);
    }
  });

  it("cookie mode: GET, and POST with the right anti-CSRF token", async () => {
    for (const method of ["GET", "POST"]) {
      const { reply, quickBy } = await expectSame(authenticated(cookie, { method, path: "/s" }), method);
      expect(reply.status).toBe(200);
      expect(quickBy, method).toBe("quick");
      const seen = reply.json as { tokens: { antiCsrfToken?: string; frontToken: string } };
      if (method === "POST") expect(seen.tokens.antiCsrfToken).toBe(cookie.antiCsrf);
    }
  });

  it("a session made with a payload, read back whole (front token included)", async () => {
    const made = await createSession("header", undefined, { role: "user", nested: { a: [1, "two"] } });
    const { reply, quickBy } = await expectSame(authenticated(made, { path: "/s" }), "payload");
    expect(quickBy).toBe("quick");
    expect((reply.json as { payload: { nested: unknown } }).payload.nested).toEqual({ a: [1, "two"] });
  });

  it("a Bearer token beside a cookie: the header's token is used, as getSession does", async () => {
    const spec = authenticated(header, { path: "/s", cookies: { sAccessToken: cookie.accessToken } });
    const { reply, quickBy } = await expectSame(spec, "both");
    expect(quickBy).toBe("quick");
    expect((reply.json as { userId: string }).userId).toBe(header.userId);
  });
});

describe("everything else: supertokens-node answers, the same in both pipelines", () => {
  let genuine: Credentials;
  let cookie: Credentials;
  beforeAll(async () => {
    genuine = await createSession("header", "quick-victim", { role: "user" });
    cookie = await signUp("cookie");
  });

  /** The token as Bearer and as cookie: same answer both ways, and a 401 that getSession gave. */
  async function refusedLikeGetSession(token: string, what: string) {
    for (const credentials of [asHeader(token), asCookie(token)]) {
      const { reply, quickBy } = await expectSame(authenticated(credentials, { path: "/s" }), what);
      expect(reply.status, `${what} ${credentials.mode}: ${reply.body}`).toBe(401);
      expect(quickBy, what).toBeUndefined();
    }
  }

  it("every forgery of the security suite: alg none, HS256 with the public key, a foreign RS256 key, a tampered payload", async () => {
    const forged = await forgeries(genuine.accessToken, core.url);
    expect(new Set(forged.map((forgery) => forgery.kind))).toEqual(new Set(FORGERY_KINDS));
    for (const { what, token } of forged) await refusedLikeGetSession(token, what);
  });

  it("a token another app of the same core signed", async () => {
    const token = await otherAppToken(await core.createApp("quick-other"), "quick-victim");
    await refusedLikeGetSession(token, "other app");
  });

  it("malformed: not a JWT, two parts, garbage base64, an empty Bearer", async () => {
    for (const token of ["garbage", "a.b", "a.b.c", "!!!.???.***", `${genuine.accessToken}.extra`])
      await refusedLikeGetSession(token, `malformed ${token.slice(0, 10)}`);
    const { reply, quickBy } = await expectSame(
      { path: "/s", headers: { authorization: "Bearer " } },
      "empty",
    );
    expect(reply.status).toBe(401);
    expect(quickBy).toBeUndefined();
  });

  it("no token: 401; with sessionRequired false: the handler runs without a session", async () => {
    const required = await expectSame({ path: "/s" }, "no token");
    expect(required.reply.status).toBe(401);
    const optional = await expectSame({ path: "/s" }, "optional", { sessionRequired: false });
    expect(optional.reply.status).toBe(200);
    expect(optional.reply.json).toEqual({ session: null });
  });

  it("an expired token (validity 1 s)", async () => {
    await core.createApp("public", { access_token_validity: 1 });
    const short = await createSession("header", "quick-short-lived");
    await core.createApp("public", { access_token_validity: 3600 });
    const { exp } = splitJwt(short.accessToken).payload as { exp: number };
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, exp * 1000 - Date.now()) + 1100));
    await refusedLikeGetSession(short.accessToken, "expired");
  });

  it("cookie mode: a state-changing request without, or with a wrong, anti-CSRF token", async () => {
    for (const antiCsrf of [null, "wrong", `${cookie.antiCsrf}x`, ""]) {
      const spec = authenticated(cookie, { method: "POST", path: "/s" }, { antiCsrf });
      const { reply, quickBy } = await expectSame(spec, `anti-csrf ${String(antiCsrf)}`);
      expect(reply.status).toBe(401);
      expect(quickBy).toBeUndefined();
    }
  });

  it("the access cookie twice, and a legacy session cookie", async () => {
    const twice = await expectSame(
      {
        path: "/s",
        headers: { cookie: `sAccessToken=${cookie.accessToken}; sAccessToken=${cookie.accessToken}` },
      },
      "twice",
    );
    expect(twice.quickBy).toBeUndefined();
    const legacy = await expectSame(
      authenticated(cookie, { path: "/s", cookies: { sIdRefreshToken: "old" } }),
      "legacy cookie",
    );
    expect(legacy.reply.status).toBe(401);
    expect(legacy.quickBy).toBeUndefined();
  });

  it("a malformed Bearer header beside a valid cookie: the cookie, as getSession falls back to it", async () => {
    const spec = authenticated(cookie, { path: "/s", headers: { authorization: "Bearer not-a-token" } });
    const { reply } = await expectSame(spec, "bad bearer + cookie");
    expect(reply.status).toBe(200);
  });

  it("options only supertokens-node can honour: checkDatabase, claim validators", async () => {
    for (const options of [{ checkDatabase: true }, { requireRoles: ["admin"] }]) {
      const { quickBy } = await expectSame(
        authenticated(asHeader(genuine.accessToken), { path: "/s" }),
        "opt",
        options,
      );
      // checkDatabase reaches the handler through getSession; a missing role is getSession's 403.
      expect(quickBy, JSON.stringify(options)).not.toBe("quick");
    }
  });
});

describe("the first use of a token after a refresh still reaches the core", () => {
  it("both pipelines confirm the rotation with the core and answer 200", async () => {
    const first = await signUp("header");
    const refreshed = await refreshSession(first);
    expect(refreshed.status).toBe(200);
    const token = refreshed.headers.get("st-access-token")!;
    expect(decodeJwtPayload(token).parentRefreshTokenHash1).toBeTypeOf("string");
    const { quick } = reading();
    const before = core.requests.length;
    answeredBy = undefined;
    const reply = readLambdaResult(await quick(httpApiEvent(authenticated(asHeader(token), { path: "/s" }))));
    expect(reply.status).toBe(200);
    expect(answeredBy).toBe("getSession");
    const calls = core.requests.slice(before).map((request) => `${request.method} ${request.path}`);
    expect(calls.some((call) => call.endsWith("/recipe/session/verify"))).toBe(true);
  });
});

describe("a core that cannot give its keys (none cached yet)", () => {
  let user: Credentials;
  beforeAll(async () => {
    user = await createSession("header", "quick-outage");
  });
  afterEach(async () => {
    forgetSigningKeys();
    core.setFault(null);
    await core.restart();
  });

  it("answering 500: a 503 at once, and one key request a second however many requests come", async () => {
    const { quick } = reading();
    forgetSigningKeys();
    core.setFault("500");
    core.clearRequests();
    for (let i = 0; i < 5; i++) {
      answeredBy = undefined;
      const reply = readLambdaResult(await quick(httpApiEvent(authenticated(user, { path: "/s" }))));
      expect(reply.status, reply.body).toBe(503);
      expect(reply.json).toEqual({ message: "session service unavailable" });
      expect(answeredBy).toBeUndefined();
    }
    expect(core.requests.map((request) => request.path)).toEqual(["/.well-known/jwks.json"]);
  });

  it("stopped: a 503, and the next request after it is back is a 200 from the quick path", async () => {
    const { quick } = reading();
    forgetSigningKeys();
    await core.stop();
    const down = readLambdaResult(await quick(httpApiEvent(authenticated(user, { path: "/s" }))));
    expect(down.status, down.body).toBe(503);
    await core.restart();
    // A failure answers for itself for a second (forged tokens must not each cost a core request).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    answeredBy = undefined;
    const up = readLambdaResult(await quick(httpApiEvent(authenticated(user, { path: "/s" }))));
    expect(up.status, up.body).toBe(200);
    expect(answeredBy).toBe("quick");
  });
});

describe("a handler that writes the session: the quick session becomes supertokens-node's", () => {
  it("merging into the payload answers like getSession's session: a new token with the change", async () => {
    const handle = (entered: { session: SessionContainer | undefined }) =>
      entered.session!.mergeIntoAccessTokenPayload({ merged: "yes" }).then(() => ({
        by: entered.session instanceof LightSession ? "quick" : "getSession",
        payload: entered.session!.getAccessTokenPayload(),
      }));
    for (const mode of ["header", "cookie"] as const) {
      const quick = lambdaEntry(createPipeline({ session: {}, quickVerify: true }), handle);
      const full = lambdaEntry(createPipeline({ session: {}, quickVerify: false }), handle);
      const user = await signUp(mode);
      const spec = authenticated(user, { method: "POST", path: "/s" });
      const replies = [
        readLambdaResult(await quick(httpApiEvent(spec))),
        readLambdaResult(await full(httpApiEvent(spec))),
      ];
      for (const reply of replies) {
        expect(reply.status, mode).toBe(200);
        const issued =
          mode === "header"
            ? reply.headers.get("st-access-token")
            : reply.cookies.find((c) => c.startsWith("sAccessToken="));
        expect(issued, mode).toBeTruthy();
        expect((reply.json as { payload: { merged: string } }).payload.merged).toBe("yes");
      }
      expect((replies[0]!.json as { by: string }).by).toBe("quick");
      // Same headers and cookie names/attributes; the minted tokens themselves differ.
      const names = (reply: Reply) => [...reply.headers.keys()].sort();
      expect(names(replies[0]!)).toEqual(names(replies[1]!));
      const cookieShape = (reply: Reply) => reply.cookies.map((c) => c.replace(/=[^;]*/, "=…")).sort();
      expect(cookieShape(replies[0]!)).toEqual(cookieShape(replies[1]!));
      // A function whose handler writes the session skips the quick path from then on (it would
      // only verify each token twice).
      const again = readLambdaResult(await quick(httpApiEvent(spec)));
      expect(again.status).toBe(200);
      expect((again.json as { by: string }).by).toBe("getSession");
    }
  });
});
