// What a handler sees of the request, on every shape: path without stage, query, body, headers, cookies.
import type { SessionContainer } from "supertokens-node/recipe/session";
import { describe, expect, it } from "vitest";
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
