// API Gateway caches a Lambda authorizer's answer under the values of its identity sources. This
// replays that cache in front of the real authorizer with real cookie-mode sessions: keyed on the
// Cookie alone, a cross-site POST without the anti-CSRF header reuses a legitimate request's Allow;
// with the anti-CSRF header among the identity sources (README "Three ways to verify on AWS") it cannot.
import { beforeAll, describe, expect, it } from "vitest";
import { sessionAuthorizer } from "../../../src/session/authorizer.ts";
import { allowed, httpApiAuthorizerRequest } from "../../helpers/authorizer-events.ts";
import { type Credentials, signUp, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens();
const authorize = sessionAuthorizer();

interface Request {
  method: string;
  path: string;
  headers: Record<string, string>;
}

/** The HTTP API authorizer event API Gateway sends for a request (payload 2.0). */
const eventOf = (request: Request) =>
  httpApiAuthorizerRequest(`${request.method} ${request.path}`, request.headers, {
    cookies: request.headers.cookie?.split("; "),
  });

/**
 * API Gateway in front of the authorizer: a request missing an identity source is a 401 without
 * calling it; otherwise the answer is cached under the identity sources' values (`$context.routeKey`
 * included when listed).
 */
function gateway(identitySources: string[]) {
  const cache = new Map<string, boolean>();
  return async (request: Request): Promise<{ status: 200 | 401 | 403; cached: boolean }> => {
    const values = identitySources.map((source) =>
      source === "$context.routeKey"
        ? `${request.method} ${request.path}`
        : request.headers[source.replace("$request.header.", "").toLowerCase()],
    );
    if (values.some((value) => value === undefined || value === "")) return { status: 401, cached: false };
    const key = values.join("\n");
    const hit = cache.get(key);
    if (hit !== undefined) return { status: hit ? 200 : 403, cached: true };
    try {
      const allow = allowed(await authorize(eventOf(request)));
      cache.set(key, allow);
      return { status: allow ? 200 : 403, cached: false };
    } catch {
      return { status: 401, cached: false };
    }
  };
}

describe("caching the authorizer in cookie mode", () => {
  let user: Credentials;
  const legit = (method: string): Request => ({
    method,
    path: "/py/whoami",
    headers: { cookie: `sAccessToken=${user.accessToken}`, "anti-csrf": user.antiCsrf! },
  });
  const crossSite = (): Request => ({
    method: "POST",
    path: "/py/whoami",
    headers: { cookie: `sAccessToken=${user.accessToken}` },
  });
  beforeAll(async () => {
    user = await signUp("cookie");
    expect(user.antiCsrf).toBeTruthy();
  });

  it("keyed on the Cookie alone, a cross-site POST without anti-CSRF would reuse a cached Allow", async () => {
    const send = gateway(["$request.header.Cookie"]);
    expect(await send(legit("POST"))).toEqual({ status: 200, cached: false });
    expect(await send(crossSite())).toEqual({ status: 200, cached: true });
    // Uncached, the authorizer itself refuses it.
    expect(await gateway(["$request.header.Cookie"])(crossSite())).toEqual({ status: 401, cached: false });
  });

  it("with the anti-CSRF header among the identity sources, it never reaches a cached Allow", async () => {
    const send = gateway(["$request.header.Cookie", "$request.header.anti-csrf", "$context.routeKey"]);
    expect(await send(legit("GET"))).toEqual({ status: 200, cached: false });
    expect(await send(legit("POST"))).toEqual({ status: 200, cached: false });
    expect(await send(legit("POST"))).toEqual({ status: 200, cached: true });
    expect(await send(crossSite())).toEqual({ status: 401, cached: false });
    const guessed = { ...crossSite(), headers: { ...crossSite().headers, "anti-csrf": "guess" } };
    expect(await send(guessed)).toEqual({ status: 401, cached: false });
  });
});
