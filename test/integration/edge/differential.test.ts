// The edge verifier (src/edge/access-token.ts: WebCrypto and the auth function's public key set) against
// supertokens-node's getSession (the functions' full pipeline) over the corpus the quick path is held to:
// every token gets the same verdict, a session, `unauthorised` or `try refresh token`.
import { beforeAll, describe, expect, it } from "vitest";
import { verifyAccessToken } from "../../../src/edge/access-token.ts";
import { KeySet } from "../../../src/edge/key-set.ts";
import { lambdaEntry } from "../../../src/session/entry-points.ts";
import { createPipeline } from "../../../src/session/pipeline.ts";
import { type TokenCase, tokenCases, userWithRoles, withAuthServer } from "../../helpers/edge.ts";
import { httpApiEvent, readLambdaResult } from "../../helpers/events.ts";
import { createSession, withSuperTokens } from "../../helpers/session-client.ts";

const core = withSuperTokens();
const auth = withAuthServer();
const getSession = lambdaEntry(createPipeline({ session: {}, quickVerify: false }), ({ session }) => ({
  userId: session?.getUserId(),
}));

/** getSession's verdict, read from the function's answer. */
async function viaGetSession(test: TokenCase): Promise<string> {
  const reply = readLambdaResult(
    await getSession(httpApiEvent({ method: test.method, path: "/s", headers: test.headers })),
  );
  if (reply.status === 200) return `session ${(reply.json as { userId: string }).userId}`;
  const message = (reply.json as { message?: string } | undefined)?.message;
  return message === "try refresh token"
    ? "try-refresh"
    : message === "unauthorised"
      ? "unauthorised"
      : `${reply.status} ${reply.body}`;
}

async function viaEdge(test: TokenCase, keys: KeySet): Promise<string> {
  const verdict = await verifyAccessToken(
    {
      method: test.method,
      header: (name) => Object.entries(test.headers).find(([n]) => n.toLowerCase() === name)?.[1],
    },
    keys,
    "VIA_TOKEN",
  );
  return verdict.kind === "session" ? `session ${verdict.payload.sub}` : verdict.kind;
}

describe("the edge verifier and getSession agree", () => {
  let cases: TokenCase[];
  beforeAll(async () => {
    const header = await userWithRoles("header", ["user"]);
    const cookie = await createSession("cookie");
    cases = await tokenCases(core.url, header, cookie, await core.createApp("edge-differential-other"));
  });

  it("on every token of the corpus: valid, forged, tampered, foreign key, alg none, malformed, anti-CSRF", async () => {
    const keys = new KeySet(`${auth.url}/auth/jwt/jwks.json`);
    const verdicts: Record<string, { edge: string; getSession: string }> = {};
    for (const test of cases)
      verdicts[test.what] = { edge: await viaEdge(test, keys), getSession: await viaGetSession(test) };
    for (const [what, { edge, getSession }] of Object.entries(verdicts)) expect(edge, what).toBe(getSession);
    const sessions = Object.values(verdicts).filter(({ edge }) => edge.startsWith("session")).length;
    expect(sessions).toBe(5);
    const kinds = new Set(Object.values(verdicts).map(({ edge }) => edge.split(" ")[0]));
    expect(kinds).toEqual(new Set(["session", "unauthorised", "try-refresh"]));
    expect(auth.paths.filter((path) => path === "/auth/jwt/jwks.json").length).toBeGreaterThanOrEqual(1);
  });

  it("on an expired token: try refresh token", async () => {
    await core.createApp("public", { access_token_validity: 1 });
    const short = await createSession("header", "edge-short-lived");
    await core.createApp("public", { access_token_validity: 3600 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const test = {
      what: "expired",
      method: "GET",
      headers: { authorization: `Bearer ${short.accessToken}` },
    };
    const keys = new KeySet(`${auth.url}/auth/jwt/jwks.json`);
    expect(await viaEdge(test, keys)).toBe("try-refresh");
    expect(await viaGetSession(test)).toBe("try-refresh");
  });
});
