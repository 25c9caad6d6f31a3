// What a handler sees of the request, on every shape: path without stage, query, body, headers, cookies,
// path parameters.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterEach, describe, expect, it } from "vitest";
import { declareRoutes } from "../../../src/http/route-params.ts";
import { type SessionRequest, verifySession } from "../../../src/session/verify-session.ts";
import { httpApiEvent, type RequestSpec, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import {
  authenticated,
  sessionTargets,
  withSignedInUser,
  withSuperTokens,
} from "../../helpers/session-client.ts";

withSuperTokens();
const user = withSignedInUser("cookie");

const echo = ({ session, request }: { session: SessionContainer; request: SessionRequest }) => ({
  userId: session.getUserId(),
  method: request.method,
  path: request.path,
  stage: request.stage ?? null,
  query: request.query,
  multiQuery: request.multiQuery,
  json: request.json() ?? null,
  multi: request.headers.get("x-multi"),
  mixed: request.headers.get("x-mixed-case"),
  cookies: { theme: request.cookies.theme, lang: request.cookies.lang },
  params: request.params,
});

/** The stage a platform reports, and whether it keeps repeated headers and query values. */
const EXPECTED: Record<string, { stage: string | null; repeats: boolean }> = {
  "API Gateway REST (1.0)": { stage: "dev", repeats: true },
  "API Gateway HTTP API (2.0)": { stage: "dev", repeats: true },
  "Lambda Function URL": { stage: null, repeats: true },
  "ALB single-value headers": { stage: null, repeats: false },
  "ALB multi-value headers": { stage: null, repeats: true },
  "Netlify Functions v1": { stage: null, repeats: true },
  "Netlify Functions v2": { stage: null, repeats: true },
};

const body = { name: "Zoë", tags: ["a", "b"], note: "€ & ✓" };

describe.each(sessionTargets(echo))("$name", (target) => {
  const expected = Object.entries(EXPECTED).find(([name]) => target.name.startsWith(name))![1];

  it.each([
    ["a plain body", false],
    ["a base64 body", true],
  ])("decodes path, stage, query, headers, several cookies and %s", async (_, base64) => {
    const spec: RequestSpec = {
      method: "POST",
      path: "/items/42",
      query: { tag: ["x", "y z"], q: "a&b=c" },
      headers: { "Content-Type": "application/json", "X-Multi": ["one", "two"], "X-Mixed-CASE": "Kept" },
      cookies: { theme: "dark", lang: "en" },
      body: JSON.stringify(body),
      base64,
    };
    const reply = await target.call(authenticated(user, spec));
    expect(reply.status, reply.body).toBe(200);
    const seen = reply.json as ReturnType<typeof echo>;
    expect(seen).toMatchObject({
      userId: user.userId,
      method: "POST",
      path: "/items/42",
      stage: expected.stage,
      query: { tag: "y z", q: "a&b=c" },
      json: body,
      mixed: "Kept",
      cookies: { theme: "dark", lang: "en" },
    });
    if (expected.repeats) {
      expect(seen.multiQuery).toEqual({ tag: ["x", "y z"], q: ["a&b=c"] });
      expect(seen.multi?.split(/,\s*/)).toEqual(["one", "two"]);
    } else {
      expect(seen.multiQuery).toEqual({ tag: ["y z"], q: ["a&b=c"] });
      expect(seen.multi).toBe("two");
    }
  });

  it("answers 400 for a body that is not JSON when the handler reads it", async () => {
    const reply = await target.call(authenticated(user, { method: "POST", path: "/items", body: "{oops" }));
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ message: "request body is not valid JSON" });
  });
});

// request.params: API Gateway's pathParameters (v1, v2); for ALB, Function URLs and Netlify (v1, v2) the
// path matched against the function's declared route (its bundle declares config.path); decoded once.
describe("path parameters", () => {
  /** API Gateway names the route it matched in the event; the other shapes know only the function's. */
  const fromEvent = (name: string) => name.startsWith("API Gateway");
  afterEach(() => declareRoutes(undefined));

  describe.each(sessionTargets(echo))("$name", (target) => {
    it.each([
      { route: "/items/:id", path: "/items/a%2Fb%20c", params: { id: "a/b c" } },
      { route: "/items/:id", path: "/items/%C3%A9t%C3%A9", params: { id: "été" } },
      {
        route: "/orgs/{org}/users/{user}",
        path: "/orgs/o-1/users/u%3A2",
        params: { org: "o-1", user: "u:2" },
      },
      { route: "/files/*", path: "/files/x/y%20z.txt", params: { "*": "x/y z.txt" } },
      { route: "/editor-only", path: "/editor-only", params: {} },
    ])("$route at $path", async ({ route, path, params }) => {
      declareRoutes(fromEvent(target.name) ? undefined : route);
      const reply = await target.call(authenticated(user, { path, route }));
      expect(reply.status, reply.body).toBe(200);
      expect((reply.json as ReturnType<typeof echo>).params).toEqual(params);
    });

    it("refuses a malformed escape with 400 JSON", async () => {
      declareRoutes(fromEvent(target.name) ? undefined : "/items/:id");
      const reply = await target.call(authenticated(user, { path: "/items/%E0%A4%A", route: "/items/:id" }));
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({ message: "path parameter id is malformed" });
    });
  });
});

describe("cookies spread over several carriers", () => {
  const handler = verifySession(echo);

  it("merges a 2.0 event's cookies[] entries with a Cookie header (each entry may hold several)", async () => {
    const event = httpApiEvent({ path: "/items" });
    event.cookies = [`sAccessToken=${user.accessToken}`, "theme=dark; lang=en"];
    event.headers.cookie = "other=1";
    const reply = readLambdaResult(await handler(event));
    expect(reply.status, reply.body).toBe(200);
    expect(reply.json).toMatchObject({ cookies: { theme: "dark", lang: "en" } });
  });

  it("reads every line of a repeated Cookie header in a REST API event", async () => {
    const event = restApiEvent({
      path: "/items",
      headers: { Cookie: [`sAccessToken=${user.accessToken}; theme=dark`, "lang=en"] },
    });
    const reply = readLambdaResult(await handler(event));
    expect(reply.status, reply.body).toBe(200);
    expect(reply.json).toMatchObject({ cookies: { theme: "dark", lang: "en" } });
  });
});
