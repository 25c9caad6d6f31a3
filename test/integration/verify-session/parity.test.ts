// One pipeline under every entry point: the same logical request through verifySession (Lambda),
// verifySessionNetlify and the middy middleware gets the same status, headers, cookies and body.
import type { SessionContainer } from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterEach, describe, expect, it } from "vitest";
import { updateRole } from "../../../src/handlers/update-role.ts";
import type { SessionOptions } from "../../../src/session/guards.ts";
import {
  type SessionHandler,
  verifySession,
  verifySessionNetlify,
} from "../../../src/session/verify-session.ts";
import {
  httpApiEvent,
  LAMBDA_PLATFORMS,
  lambdaTarget,
  netlifyTarget,
  type Reply,
  type RequestSpec,
  type Target,
} from "../../helpers/events.ts";
import {
  authenticated,
  type Credentials,
  middyHandler,
  parseSetCookie,
  signUp,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const WEBSITE = "http://localhost:3001";
const core = withSuperTokens({ env: { WEBSITE_DOMAIN: WEBSITE } });
afterEach(() => core.setFault(null));

const httpApi = LAMBDA_PLATFORMS.find((platform) => platform.event === httpApiEvent)!;

type AnyHandler = SessionHandler<never, never>;

/** The three entry points, each serving `handler` with `options`. */
function entryPoints(handler: AnyHandler, options?: SessionOptions): Target[] {
  return [
    lambdaTarget(
      httpApi,
      "verifySession",
      verifySession(handler as SessionHandler<unknown, unknown>, options),
    ),
    netlifyTarget(verifySessionNetlify(handler as SessionHandler<unknown, Request>, options)),
    lambdaTarget(httpApi, "middy", middyHandler(handler as SessionHandler<unknown, unknown>, options)),
  ];
}

/** Headers whose values are minted per request (tokens, times): compared by presence only. */
const MINTED = new Set(["front-token", "st-access-token", "st-refresh-token", "anti-csrf"]);

/** What must be equal across entry points: everything but the values of freshly minted tokens. */
function comparable(reply: Reply) {
  const headers = [...reply.headers]
    .filter(([name]) => name !== "content-length")
    .map(([name, value]) => [name, MINTED.has(name) ? "(minted)" : value])
    .sort(([a], [b]) => String(a).localeCompare(String(b)));
  const cookies = reply.cookies
    .map((line) => {
      const { name, attributes } = parseSetCookie(line);
      const { expires: _expires, ...stable } = attributes;
      return { name, attributes: stable };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { status: reply.status, headers, cookies, body: reply.json ?? reply.body };
}

async function sameEverywhere(targets: Target[], spec: () => RequestSpec) {
  const replies = [];
  for (const target of targets) replies.push(comparable(await target.call(spec())));
  const [first, ...rest] = replies;
  rest.forEach((reply, index) => {
    expect(reply, `${targets[index + 1]!.name} differs from ${targets[0]!.name}`).toEqual(first);
  });
  return first!;
}

const whoAmI = ({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() });

describe("every entry point answers alike", () => {
  let cookieUser: Credentials;
  let headerUser: Credentials;
  it("signs up the users the cases need", async () => {
    cookieUser = await signUp("cookie");
    headerUser = await signUp("header");
    expect(cookieUser.userId).not.toBe(headerUser.userId);
  });

  it("a CORS preflight: 204 with the website's CORS headers", async () => {
    const reply = await sameEverywhere(entryPoints(whoAmI), () => ({
      method: "OPTIONS",
      path: "/update-role",
      headers: { Origin: WEBSITE, "Access-Control-Request-Method": "POST" },
    }));
    expect(reply.status).toBe(204);
    expect(reply.headers.map(([name]) => name)).toContain("access-control-allow-origin");
  });

  it("no session: 401", async () => {
    const reply = await sameEverywhere(entryPoints(whoAmI), () => ({
      path: "/session",
      headers: { Origin: WEBSITE },
    }));
    expect(reply.status).toBe(401);
    expect(reply.headers.map(([name]) => name)).toContain("access-control-allow-origin");
  });

  it("a missing claim: 403 with the claim error", async () => {
    const reply = await sameEverywhere(entryPoints(whoAmI, { requireRoles: ["editor"] }), () =>
      authenticated(headerUser, { path: "/editor-only", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status).toBe(403);
    expect(JSON.stringify(reply.body)).toContain("st-role");
  });

  it("the core down while the handler needs it: 503", async () => {
    const needsCore = async ({ session }: { session: SessionContainer }) =>
      UserRoles.getRolesForUser("public", session.getUserId());
    core.setFault("500");
    const reply = await sameEverywhere(entryPoints(needsCore), () =>
      authenticated(headerUser, { path: "/session", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status).toBe(503);
  });

  it("the handler throws: 500 without a stack", async () => {
    const throws = () => {
      throw new Error("boom at /secret/path.ts:1");
    };
    const reply = await sameEverywhere(entryPoints(throws), () =>
      authenticated(headerUser, { path: "/session", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status).toBe(500);
    expect(JSON.stringify(reply.body)).not.toContain("secret");
  });

  it("a cookie-mode role update: new access token cookie, front-token, the same body", async () => {
    const reply = await sameEverywhere(entryPoints(updateRole as AnyHandler), () =>
      authenticated(cookieUser, { method: "POST", path: "/update-role", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status).toBe(200);
    expect(reply.cookies.map((cookie) => cookie.name)).toContain("sAccessToken");
    expect(reply.headers).toContainEqual(["front-token", "(minted)"]);
    expect(reply.body).toMatchObject({ role: "user", roles: ["user"] });
  });

  it("a header-mode role update: new st-access-token header, no cookies", async () => {
    const reply = await sameEverywhere(entryPoints(updateRole as AnyHandler), () =>
      authenticated(headerUser, { method: "POST", path: "/update-role", headers: { Origin: WEBSITE } }),
    );
    expect(reply.status).toBe(200);
    expect(reply.cookies).toEqual([]);
    expect(reply.headers).toContainEqual(["st-access-token", "(minted)"]);
    expect(reply.body).toMatchObject({ role: "user", roles: ["user"] });
  });
});
