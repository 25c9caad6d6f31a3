// Every line a function writes — logs at DEBUG, errors, metrics — during a representative run of
// requests (sign up with a password, sign in, refresh, update-role, 401, 403, 503, 500, a handler that
// quotes tokens in its error) holds no token, refresh token, anti-CSRF token, password, hash or API
// key. Real core (with an API key), real supertokens-node.
import type { Context } from "aws-lambda";
import type { SessionContainer } from "supertokens-node/recipe/session";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authRoutes } from "../../../src/handlers/auth-routes.ts";
import { updateRole } from "../../../src/handlers/update-role.ts";
import type { LambdaHandler } from "../../../src/session/entry-points.ts";
import { lambdaHandler } from "../../../src/session/entry-points.ts";
import { verifySession } from "../../../src/session/verify-session.ts";
import { type Reply, type RequestSpec, readLambdaResult, restApiEvent } from "../../helpers/events.ts";
import { captureOutput } from "../../helpers/log-lines.ts";
import {
  authenticated,
  type Credentials,
  cookieValues,
  credentialsOf,
  uniqueEmail,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const API_KEY = "the-cores-api-key-do-not-log-0123456789";
const PASSWORD = "correct horse battery 7";
const core = withSuperTokens({
  core: { apiKey: API_KEY },
  env: {
    SUPERTOKENS_API_KEY: API_KEY,
    LOG_LEVEL: "DEBUG",
    // As in Lambda: metrics on, so their lines are scanned too.
    AWS_LAMBDA_FUNCTION_NAME: "session-roles-test-fn",
  },
});

const output = captureOutput();
afterAll(() => output.stop());

/** Every secret a reply handed out, collected as the run goes. */
const secrets = new Set<string>([PASSWORD, API_KEY]);
const FORBIDDEN_WORDS = ["refreshTokenHash", "passwordHash", "password_hash"];

let invocations = 0;
function lambdaContext(): Context {
  invocations += 1;
  return {
    awsRequestId: `0000000${invocations}-aaaa-4bbb-8ccc-dddddddddddd`,
    functionName: "session-roles-test-fn",
    getRemainingTimeInMillis: () => 9_000,
  } as unknown as Context;
}

async function call(handler: LambdaHandler, spec: RequestSpec): Promise<Reply> {
  const reply = readLambdaResult(await handler(restApiEvent(spec), lambdaContext()));
  for (const value of Object.values(cookieValues(reply.cookies))) if (value.length > 8) secrets.add(value);
  for (const name of ["st-access-token", "st-refresh-token", "anti-csrf", "front-token"]) {
    const value = reply.headers.get(name);
    if (value && value !== "remove") secrets.add(value);
  }
  return reply;
}

const auth = lambdaHandler(authRoutes);
const update = verifySession(updateRole);
const adminOnly = verifySession(() => ({ ok: true }), { requireRoles: ["admin"] });
const info = verifySession(({ session }: { session: SessionContainer }) => ({ userId: session.getUserId() }));
/** A careless handler: its error quotes the caller's tokens. */
const careless = verifySession(({ session }: { session: SessionContainer }) => {
  const tokens = session.getAllSessionTokensDangerously();
  throw new Error(`could not use ${tokens.accessToken} / ${tokens.refreshToken} for ${session.getUserId()}`);
});

const form = (email: string, password: string) =>
  JSON.stringify({
    formFields: [
      { id: "email", value: email },
      { id: "password", value: password },
    ],
  });

describe("a representative run of requests", () => {
  const email = uniqueEmail("secrets");
  let cookieUser: Credentials;
  let headerUser: Credentials;

  beforeAll(() => {
    expect(core.url).toMatch(/^http/);
  });

  it("signs up with a password (cookie mode) and signs in (header mode)", async () => {
    const emailPassword = (path: string, mode: "cookie" | "header", password: string) =>
      call(auth, {
        method: "POST",
        path,
        headers: { "content-type": "application/json", rid: "emailpassword", "st-auth-mode": mode },
        body: form(email, password),
      });
    const signedUp = await emailPassword("/auth/signup", "cookie", PASSWORD);
    expect(signedUp.status, signedUp.body).toBe(200);
    cookieUser = credentialsOf(signedUp, "cookie");
    const wrong = await emailPassword("/auth/signin", "header", `${PASSWORD} but wrong`);
    expect(wrong.json).toMatchObject({ status: "WRONG_CREDENTIALS_ERROR" });
    const signedIn = await emailPassword("/auth/signin", "header", PASSWORD);
    expect(signedIn.status, signedIn.body).toBe(200);
    headerUser = credentialsOf(signedIn, "header");
  });

  it("refreshes the session and updates the role", async () => {
    const refreshed = await call(auth, {
      method: "POST",
      path: "/auth/session/refresh",
      headers: { authorization: `Bearer ${headerUser.refreshToken}`, "st-auth-mode": "header" },
    });
    expect(refreshed.status, refreshed.body).toBe(200);
    headerUser = { ...headerUser, accessToken: refreshed.headers.get("st-access-token") ?? "" };
    const updated = await call(update, authenticated(cookieUser, { method: "POST", path: "/update-role" }));
    expect(updated.status, updated.body).toBe(200);
  });

  it("answers 401, 403, 503 and 500", async () => {
    expect((await call(info, { path: "/session" })).status).toBe(401);
    // A token in the query string stays out of the debug line (only the path is logged).
    const queried = await call(info, { path: "/session", query: { token: headerUser.accessToken } });
    expect(queried.status).toBe(401);
    expect(
      (await call(info, { path: "/session", headers: { authorization: "Bearer not.a.jwt" } })).status,
    ).toBe(401);
    expect((await call(adminOnly, authenticated(headerUser, { path: "/admin" }))).status).toBe(403);
    core.setFault("500");
    try {
      expect(
        (await call(update, authenticated(headerUser, { method: "POST", path: "/update-role" }))).status,
      ).toBe(503);
    } finally {
      core.setFault(null);
    }
    expect((await call(careless, authenticated(headerUser, { path: "/careless" }))).status).toBe(500);
  });

  it("wrote log lines, error lines and metrics — and none holds a secret", () => {
    const logs = output.all.filter((line) => line.json && !("_aws" in line.json));
    expect(logs.filter((line) => line.json?.level === "DEBUG").length).toBeGreaterThanOrEqual(invocations);
    expect(logs.filter((line) => line.json?.status === 503 && line.json.level === "ERROR")).toHaveLength(1);
    expect(logs.filter((line) => line.json?.status === 500 && line.json.level === "ERROR")).toHaveLength(1);
    expect(output.all.filter((line) => line.json && "_aws" in line.json).length).toBeGreaterThan(0);
    // Every line is one JSON object: nothing unstructured slipped out.
    expect(output.all.filter((line) => line.json === undefined).map((line) => line.text)).toEqual([]);
    expect(secrets.size).toBeGreaterThan(8);
    for (const line of output.all) {
      for (const secret of secrets) expect(line.text, `a secret in: ${line.text}`).not.toContain(secret);
      for (const word of FORBIDDEN_WORDS) expect(line.text).not.toContain(word);
    }
  });
});
