// A seeded corpus of malformed input through every wrapper (verifySession on every Lambda shape, the
// middy middleware, verifySessionNetlify, the auth routes): a well-formed 4xx JSON answer every time,
// nothing thrown, no stack trace, and the handler never runs without a verified session.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { authRoutes } from "../../../src/handlers/auth-routes.ts";
import { lambdaHandler, netlifyHandler } from "../../../src/session/entry-points.ts";
import { verifySession, verifySessionNetlify } from "../../../src/session/verify-session.ts";
import { type Reply, readLambdaResult, readWebResponse, restApiEvent } from "../../helpers/events.ts";
import {
  FUZZ_SEED,
  malformedAuthSpec,
  malformedEvent,
  malformedWebRequest,
} from "../../helpers/fuzz-events.ts";
import { middyHandler, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens();

let handlerCalls = 0;
const spy = () => {
  handlerCalls += 1;
  return { reached: "handler" };
};

const wrappers = {
  verifySession: verifySession(spy),
  verifySessionAdmin: verifySession(spy, { requireRoles: ["admin"], checkDatabase: true }),
  middy: middyHandler(spy),
};
const netlify = verifySessionNetlify(spy);
const authLambda = lambdaHandler(authRoutes);
const authNetlify = netlifyHandler(authRoutes);

const counts: Record<string, number> = {};
const statuses: Record<string, number> = {};
const count = (name: string, status: number) => {
  counts[name] = (counts[name] ?? 0) + 1;
  statuses[status] = (statuses[status] ?? 0) + 1;
};

const STACK = /\n\s+at |\bat .+:\d+:\d+|node_modules|\/work\/|file:\/\/|\.ts:\d+/;

/** Why a reply is not a well-formed 4xx JSON error, or undefined when it is. */
function problem(reply: Reply): string | undefined {
  if (!Number.isInteger(reply.status) || reply.status < 400 || reply.status > 499)
    return `status ${reply.status}: ${reply.body.slice(0, 200)}`;
  return shapeProblem(reply);
}

/**
 * The auth routes keep SuperTokens' API contract: a form the SDK can show (missing field, wrong
 * credentials) is a 200 with a non-OK `status`. That is allowed, as long as no session is issued.
 */
function authProblem(reply: Reply): string | undefined {
  const status = (reply.json as { status?: unknown } | undefined)?.status;
  if (reply.status === 200 && typeof status === "string" && status !== "OK") {
    if (reply.cookies.length > 0 || reply.headers.has("st-access-token"))
      return `tokens issued: ${reply.body}`;
    fieldErrors += 1;
    return shapeProblem(reply);
  }
  return problem(reply);
}

let fieldErrors = 0;

function shapeProblem(reply: Reply): string | undefined {
  if (STACK.test(reply.body)) return `stack trace or path in body: ${reply.body.slice(0, 300)}`;
  if (!(reply.headers.get("content-type") ?? "").includes("application/json"))
    return `content-type ${reply.headers.get("content-type")}`;
  if (typeof reply.json !== "object" || reply.json === null)
    return `body is not a JSON object: ${reply.body.slice(0, 200)}`;
  return undefined;
}

async function lambdaReply(handler: unknown, event: unknown): Promise<Reply> {
  const result = await (handler as (event: unknown, context: unknown) => Promise<unknown>)(event, {});
  const value = result as { statusCode?: unknown; body?: unknown; headers?: Record<string, unknown> };
  // Well-formed for every platform: numeric status, string body, string header values.
  if (typeof value?.statusCode !== "number" || typeof value.body !== "string")
    throw new Error(`malformed result ${JSON.stringify(result)?.slice(0, 200)}`);
  for (const [name, header] of Object.entries(value.headers ?? {}))
    if (typeof header !== "string") throw new Error(`header ${name} is ${typeof header}`);
  return readLambdaResult(result);
}

describe("malformed Lambda events (every shape)", () => {
  it("verifySession, verifySession with requireRoles+checkDatabase and middy answer 4xx JSON, never the handler", async () => {
    await fc.assert(
      fc.asyncProperty(malformedEvent, async ({ label, event }) => {
        for (const [name, handler] of Object.entries(wrappers)) {
          const reply = await lambdaReply(handler, structuredClone(event));
          count(name, reply.status);
          const why = problem(reply);
          if (why) throw new Error(`${name}: ${label}: ${why}`);
        }
        if (handlerCalls !== 0) throw new Error(`handler called for ${label}`);
      }),
      { seed: FUZZ_SEED, numRuns: 600, endOnFailure: true },
    );
    expect(handlerCalls).toBe(0);
  });
});

describe("malformed Netlify v2 Requests", () => {
  it("verifySessionNetlify answers 4xx JSON, never the handler", async () => {
    let unbuildable = 0;
    await fc.assert(
      fc.asyncProperty(malformedWebRequest, async ({ label, build }) => {
        let request: Request;
        try {
          request = build();
        } catch {
          unbuildable += 1; // the Fetch spec itself refuses it: it can never reach a Netlify function
          return;
        }
        const reply = await readWebResponse(await netlify(request));
        count("verifySessionNetlify", reply.status);
        const why = problem(reply);
        if (why) throw new Error(`${label}: ${why}`);
        if (handlerCalls !== 0) throw new Error(`handler called for ${label}`);
      }),
      { seed: FUZZ_SEED, numRuns: 1000, endOnFailure: true },
    );
    expect(handlerCalls).toBe(0);
    // Most odd header names/values and methods are refused by the Fetch spec itself; enough remain.
    expect(1000 - unbuildable).toBeGreaterThanOrEqual(300);
    counts["netlify unbuildable"] = unbuildable;
  });
});

describe("malformed requests to the auth routes", () => {
  it("sign up / sign in / refresh answer 4xx JSON for structurally broken requests, on Lambda and Netlify", async () => {
    await fc.assert(
      fc.asyncProperty(malformedAuthSpec, async ({ label, spec }) => {
        const reply = await lambdaReply(authLambda, restApiEvent(spec));
        count("auth (Lambda)", reply.status);
        const why = authProblem(reply);
        if (why) throw new Error(`auth Lambda ${label}: ${why}`);
        let request: Request | undefined;
        try {
          request = new Request(`https://example.netlify.app${spec.path}`, {
            method: spec.method ?? "GET",
            headers: spec.headers as Record<string, string>,
            body: spec.method === "GET" || spec.method === "HEAD" ? null : (spec.body ?? null),
          });
        } catch {
          return;
        }
        const web = await readWebResponse(await authNetlify(request));
        count("auth (Netlify)", web.status);
        const webWhy = authProblem(web);
        if (webWhy) throw new Error(`auth Netlify ${label}: ${webWhy}`);
      }),
      { seed: FUZZ_SEED, numRuns: 300, endOnFailure: true },
    );
  });
});

describe("regressions found by the corpus", () => {
  it("a refresh request repeating a session cookie is a 400, not a logged 500", async () => {
    const reply = await lambdaReply(
      authLambda,
      restApiEvent({
        method: "POST",
        path: "/auth/session/refresh",
        headers: {
          cookie: "sRefreshToken=a; sRefreshToken=b; sAccessToken=c; sAccessToken=d",
          "anti-csrf": "x",
        },
      }),
    );
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ message: "the request repeats a session cookie" });
  });
});

afterAll(() => {
  const total = Object.entries(counts)
    .filter(([name]) => name !== "netlify unbuildable")
    .reduce((sum, [, n]) => sum + n, 0);
  console.log(
    JSON.stringify({
      corpus: "bad-input",
      seed: FUZZ_SEED,
      calls: total,
      counts,
      statuses,
      fieldErrors,
      handlerCalls,
    }),
  );
});
