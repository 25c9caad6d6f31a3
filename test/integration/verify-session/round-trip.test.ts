// The acceptance, on every platform shape and wrapper: a handler changes the access token
// payload, the answer carries the new token in the platform's own form, and that token works.
import Session, { type SessionContainer } from "supertokens-node/recipe/session";
import { beforeAll, describe, expect, it } from "vitest";
import {
  afterReply,
  authenticated,
  type Credentials,
  cookieProblem,
  cookieValues,
  createSession,
  decodeFrontToken,
  decodeJwtPayload,
  issuedAccessToken,
  sessionTargets,
  signUp,
  type TransferMode,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
/** One user signed up through the real auth routes; each test opens a fresh session for them. */
let userId: string;
beforeAll(async () => {
  userId = (await signUp("cookie")).userId;
});

const promote = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  return { role: "editor" };
};
const whoAmI = ({ session }: { session: SessionContainer }) => ({
  userId: session.getUserId(),
  payload: session.getAccessTokenPayload(),
});
/** Sets two cookies of its own (Expires dates contain commas) and changes the payload. */
const promoteWithCookies = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  const headers = new Headers({ "content-type": "text/plain" });
  headers.append(
    "set-cookie",
    "theme=dark; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Lax",
  );
  headers.append(
    "set-cookie",
    "lang=en; Path=/docs; Expires=Thu, 22 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Strict",
  );
  return new Response("ok", { status: 200, headers });
};

const modes: TransferMode[] = ["cookie", "header"];
const promoters = sessionTargets(promote);
const readers = sessionTargets(whoAmI);
const cases = promoters.flatMap((target, index) =>
  modes.map((mode) => ({ name: `${target.name}, ${mode} mode`, target, reader: readers[index]!, mode })),
);

/** Claims that change with every token; everything else must survive a payload merge. */
const PER_TOKEN = new Set(["iat", "exp", "role"]);

describe.each(cases)("$name", ({ target, reader, mode }) => {
  it("answers a new access token with the merged payload, which the next request accepts", async () => {
    const signedIn = await createSession(mode, userId);
    const before = decodeJwtPayload(signedIn.accessToken);
    expect(before.role).toBe("user");

    const reply = await target.call({ method: "POST", path: "/update-role", ...auth(signedIn, "POST") });
    expect(reply.status, reply.body).toBe(200);
    expect(reply.json).toEqual({ role: "editor" });

    const token = issuedAccessToken(reply, mode);
    expect(token, "a new access token").toBeDefined();
    const after = decodeJwtPayload(token!);
    expect(after.role).toBe("editor");
    for (const [key, value] of Object.entries(before))
      if (!PER_TOKEN.has(key)) expect(after[key], `payload key ${key}`).toEqual(value);
    expect((after["st-role"] as { v: string[] }).v).toEqual(["user"]);

    const frontToken = reply.headers.get("front-token");
    expect(frontToken).toBeTruthy();
    expect(decodeFrontToken(frontToken!)).toMatchObject({ uid: signedIn.userId, up: after });

    if (mode === "cookie") {
      expect(reply.carrier).toBe(target.carrier);
      expect(Object.keys(cookieValues(reply.cookies))).toEqual(["sAccessToken"]);
      for (const cookie of reply.cookies) expect(cookieProblem(cookie)).toBeUndefined();
    } else {
      expect(reply.cookies).toEqual([]);
    }

    // What the core holds for the session is what the token says.
    const info = await Session.getSessionInformation(after.sessionHandle as string);
    expect(info?.customClaimsInAccessTokenPayload).toMatchObject({ role: "editor" });

    const next = afterReply(signedIn, reply);
    const read = await reader.call({ path: "/session", ...auth(next, "GET") });
    expect(read.status, read.body).toBe(200);
    expect(read.json).toEqual({ userId: signedIn.userId, payload: after });
    expect(read.cookies, "a verify-only request issues no cookie").toEqual([]);
  });
});

describe.each(sessionTargets(promoteWithCookies))("$name", (target) => {
  it("answers every Set-Cookie as exactly one well-formed cookie, the handler's and SuperTokens'", async () => {
    const signedIn = await createSession("cookie");
    const reply = await target.call({ method: "POST", path: "/update-role", ...auth(signedIn, "POST") });
    expect(reply.status, reply.body).toBe(200);
    expect(reply.body).toBe("ok");
    expect(reply.carrier).toBe(target.carrier);
    expect(reply.cookies).toHaveLength(3);
    for (const cookie of reply.cookies) expect(cookieProblem(cookie)).toBeUndefined();
    expect(reply.cookies).toContain(
      "theme=dark; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Lax",
    );
    expect(reply.cookies).toContain(
      "lang=en; Path=/docs; Expires=Thu, 22 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Strict",
    );
    expect(decodeJwtPayload(cookieValues(reply.cookies).sAccessToken!).role).toBe("editor");
  });
});

function auth(credentials: Credentials, method: string) {
  const { headers, cookies } = authenticated(credentials, { method });
  return { headers, cookies };
}
