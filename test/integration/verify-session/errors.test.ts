// Errors as JSON, never a stack; whatever a handler returns keeps SuperTokens' cookies and headers.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifySession, verifySessionNetlify } from "../../../src/session/verify-session.ts";
import { LAMBDA_PLATFORMS, readWebResponse } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  cookieProblem,
  cookieValues,
  decodeJwtPayload,
  invalidClaim,
  middyHandler,
  sessionTargets,
  signUp,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const user = withSignedInUser("cookie", signUp);
afterEach(() => {
  vi.restoreAllMocks();
});

const ok = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe.each(sessionTargets(ok))("$name", (target) => {
  it("answers 401 unauthorised without a session", async () => {
    const reply = await target.call({ path: "/session" });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: "unauthorised" });
  });

  it("answers 401 unauthorised for a token that is not a SuperTokens token", async () => {
    const reply = await target.call({ path: "/session", headers: { authorization: "Bearer abc.def.ghi" } });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ message: "unauthorised" });
  });
});

describe.each(sessionTargets(ok, { requireRoles: ["admin"] }))("$name with requireRoles admin", (target) => {
  it("answers 403 with the failed claim for a user without the role", async () => {
    const reply = await target.call(authenticated(user, { path: "/admin" }));
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual(
      invalidClaim("st-role", { message: "wrong value", expectedToInclude: "admin", actualValue: ["user"] }),
    );
  });
});

const boom = async ({ session }: { session: SessionContainer }) => {
  await session.mergeIntoAccessTokenPayload({ role: "editor" });
  throw new Error("secret detail at /srv/app.js:12");
};

describe.each(sessionTargets(boom))("$name, handler throws", (target) => {
  it("answers 500 internal error, no stack, and keeps the token the handler already issued", async () => {
    // The structured logger (Powertools) writes its own lines to stderr, not through console.error.
    // (afterEach's vi.restoreAllMocks() ends the capture.)
    const output = captureOutput();
    const reply = await target.call(authenticated(user, { method: "POST", path: "/boom" }));
    expect(reply.status).toBe(500);
    expect(reply.json).toEqual({ message: "internal error" });
    expect(reply.body).not.toContain("secret");
    expect(output.logs("ERROR").filter((line) => line.message === "internal error")).toHaveLength(1);
    expect(decodeJwtPayload(cookieValues(reply.cookies).sAccessToken!).role).toBe("editor");
  });
});

/** What handlers return, and what the client must see for it. */
const RESULTS = [
  {
    kind: "a web Response",
    result: () =>
      new Response("created", {
        status: 201,
        headers: {
          "content-type": "text/plain",
          "x-kind": "web",
          "set-cookie": "a=1; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Lax",
        },
      }),
    status: 201,
    body: "created",
    header: "web",
    ownCookies: ["a"],
  },
  {
    kind: "a Lambda result",
    result: () => ({
      statusCode: 202,
      headers: { "content-type": "text/plain", "x-kind": "lambda" },
      multiValueHeaders: {
        "Set-Cookie": ["b=2; Path=/; Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; SameSite=Lax"],
      },
      body: "accepted",
    }),
    status: 202,
    body: "accepted",
    header: "lambda",
    ownCookies: ["b"],
  },
  {
    kind: "a plain value",
    result: () => ({ done: true }),
    status: 200,
    body: '{"done":true}',
    header: null,
    ownCookies: [],
  },
  { kind: "undefined", result: () => undefined, status: 204, body: "", header: null, ownCookies: [] },
];

describe.each(RESULTS)("a handler returning $kind", ({ result, status, body, header, ownCookies }) => {
  const handler = async ({ session }: { session: SessionContainer }) => {
    await session.mergeIntoAccessTokenPayload({ role: "editor" });
    return result();
  };
  it.each(sessionTargets(handler))("$name: right status and body, cookies merged", async (target) => {
    const reply = await target.call(authenticated(user, { method: "POST", path: "/result" }));
    expect(reply.status).toBe(status);
    expect(reply.body).toBe(body);
    expect(reply.headers.get("x-kind")).toBe(header);
    if (status === 200) expect(reply.headers.get("content-type")).toBe("application/json");
    expect(reply.headers.get("front-token")).toBeTruthy();
    expect(Object.keys(cookieValues(reply.cookies)).sort()).toEqual([...ownCookies, "sAccessToken"].sort());
    for (const cookie of reply.cookies) expect(cookieProblem(cookie)).toBeUndefined();
  });
});

describe("events of no known shape", () => {
  const lambda = verifySession(ok) as unknown as (event: unknown) => Promise<unknown>;
  const viaMiddy = middyHandler(ok) as unknown as (event: unknown, context: unknown) => Promise<unknown>;
  const junk: Array<[string, unknown]> = [
    ["null", null],
    ["an array", []],
    ["a string", "GET /"],
    ["an empty object", {}],
    ["an S3 notification", { Records: [{ eventSource: "aws:s3" }] }],
    ["a 2.0 event without requestContext.http", { version: "2.0", rawPath: "/", requestContext: {} }],
  ];

  it.each(junk)(
    "answers %s with 400 unsupported event, through verifySession and middy",
    async (_, event) => {
      for (const answer of [await lambda(event), await viaMiddy(event, {})]) {
        expect(answer).toMatchObject({ statusCode: 400 });
        expect(JSON.parse((answer as { body: string }).body)).toEqual({ message: "unsupported event" });
      }
    },
  );

  it("answers a Netlify v2 call without a Request with 400 unsupported event", async () => {
    const netlify = verifySessionNetlify(ok) as unknown as (req: unknown) => Promise<Response>;
    const reply = await readWebResponse(await netlify({ url: "/", method: "GET" }));
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ message: "unsupported event" });
  });

  it.each(LAMBDA_PLATFORMS)(
    "answers a malformed $name event with 400 JSON, never a throw",
    async (platform) => {
      const event = platform.event({ method: "POST", path: "/x", body: "@@not base64@@", base64: true }) as {
        body: string;
      };
      event.body = "@@not base64@@";
      for (const answer of [await lambda(event), await viaMiddy(event, {})]) {
        expect(answer).toMatchObject({ statusCode: 400 });
        expect(JSON.parse((answer as { body: string }).body)).toEqual({
          message: "event body is not valid base64",
        });
      }
    },
  );
});

const maybe = ({ session }: { session: SessionContainer | undefined }) => ({
  userId: session?.getUserId() ?? null,
});

describe.each(sessionTargets(maybe, { sessionRequired: false }))(
  "$name with sessionRequired: false",
  (target) => {
    it("runs the handler without a session, and with one when there is one", async () => {
      const anonymous = await target.call({ path: "/maybe" });
      expect(anonymous.status, anonymous.body).toBe(200);
      expect(anonymous.json).toEqual({ userId: null });
      const known = await target.call(authenticated(user, { path: "/maybe" }));
      expect(known.json).toEqual({ userId: user.userId });
    });
  },
);
