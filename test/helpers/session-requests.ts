// A client's view of a session: sign up through the real auth routes (or create a session
// directly), send its tokens the way a browser or app would, and decode what comes back. Free of
// vitest, so the bench uses it too; ./session-client.ts adds the per-file hooks.
import middy from "@middy/core";
import SuperTokens from "supertokens-node";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { loadEmailSettings } from "../../src/config/email.ts";
import { loadConfig } from "../../src/config/index.ts";
import { authRecipes } from "../../src/handlers/auth-recipes.ts";
import { authRoutes } from "../../src/handlers/auth-routes.ts";
import { lambdaHandler } from "../../src/session/entry-points.ts";
import { type SessionContext, sessionMiddleware } from "../../src/session/middy.ts";
import { initSuperTokens } from "../../src/session/supertokens.ts";
import {
  type SessionHandler,
  type SessionOptions,
  verifySession,
  verifySessionNetlify,
} from "../../src/session/verify-session.ts";
import {
  LAMBDA_PLATFORMS,
  type LambdaPlatform,
  lambdaTarget,
  netlifyTarget,
  type Reply,
  type RequestSpec,
  readLambdaResult,
  restApiEvent,
  type Target,
} from "./events.ts";

/** The roles every test core holds, with their permissions. */
export const TEST_ROLES: Record<string, string[]> = {
  user: ["content:read"],
  editor: ["content:read", "content:write"],
  admin: ["content:read", "content:write", "users:manage"],
};

/**
 * Points this process at `connectionUri` (env, as a deployed function reads it), initialises
 * supertokens-node once with the auth function's recipes (EmailPassword, and EmailVerification
 * when `env` or the environment sets EMAIL_VERIFICATION), and creates the test roles in the core.
 */
export async function startSuperTokens(
  connectionUri: string,
  env: Record<string, string> = {},
): Promise<void> {
  process.env.SUPERTOKENS_CONNECTION_URI = connectionUri;
  Object.assign(process.env, env);
  const config = loadConfig();
  initSuperTokens(config, authRecipes(config, loadEmailSettings()));
  for (const [role, permissions] of Object.entries(TEST_ROLES))
    await UserRoles.createNewRoleOrAddPermissions(role, permissions);
}

export type TransferMode = "cookie" | "header";

/** What a client holds after signing in. */
export interface Credentials {
  mode: TransferMode;
  userId: string;
  accessToken: string;
  refreshToken: string | undefined;
  antiCsrf: string | undefined;
  frontToken: string | undefined;
}

let emailCounter = 0;

export function uniqueEmail(prefix = "user"): string {
  emailCounter += 1;
  return `${prefix}-${process.pid}-${emailCounter}-${Date.now().toString(36)}@example.com`;
}

const auth = lambdaHandler(authRoutes);

/** POST /auth/signup or /auth/signin through the real auth route, in cookie or header mode: the reply as it came. */
export async function submitCredentials(
  route: "signup" | "signin",
  mode: TransferMode,
  email: string,
  password = "correct horse 1",
): Promise<Reply> {
  return readLambdaResult(
    await auth(
      restApiEvent({
        method: "POST",
        path: `/auth/${route}`,
        headers: { "Content-Type": "application/json", rid: "emailpassword", "st-auth-mode": mode },
        body: JSON.stringify({
          formFields: [
            { id: "email", value: email },
            { id: "password", value: password },
          ],
        }),
      }),
    ),
  );
}

/** What a client holds after a successful sign-up or sign-in reply. */
export function credentialsOf(reply: Reply, mode: TransferMode): Credentials {
  const answer = reply.json as { status?: string; user?: { id: string } };
  if (reply.status !== 200 || answer?.status !== "OK" || !answer.user)
    throw new Error(`sign up/in failed: ${reply.status} ${reply.body}`);
  const cookies = cookieValues(reply.cookies);
  const accessToken = mode === "cookie" ? cookies.sAccessToken : reply.headers.get("st-access-token");
  if (!accessToken) throw new Error(`sign up/in answered no access token: ${JSON.stringify(reply)}`);
  return {
    mode,
    userId: answer.user.id,
    accessToken,
    refreshToken:
      (mode === "cookie" ? cookies.sRefreshToken : reply.headers.get("st-refresh-token")) ?? undefined,
    antiCsrf: reply.headers.get("anti-csrf") ?? undefined,
    frontToken: reply.headers.get("front-token") ?? undefined,
  };
}

/** Signs up through the real POST /auth/signup route, in cookie or header mode. */
export async function signUp(mode: TransferMode, email = uniqueEmail()): Promise<Credentials> {
  return credentialsOf(await submitCredentials("signup", mode, email), mode);
}

/** A client holding only `token` (no refresh or anti-CSRF token), sending it in `mode`. */
export function holding(mode: TransferMode, token: string): Credentials {
  return {
    mode,
    userId: "x",
    accessToken: token,
    refreshToken: undefined,
    antiCsrf: undefined,
    frontToken: undefined,
  };
}

/** A session made without HTTP (fast), for a user id and an initial payload. */
export async function createSession(
  mode: TransferMode,
  userId = `user-${process.pid}-${++emailCounter}`,
  payload: Record<string, unknown> = {},
): Promise<Credentials> {
  const session = await Session.createNewSessionWithoutRequestResponse(
    "public",
    SuperTokens.convertToRecipeUserId(userId),
    payload,
  );
  const tokens = session.getAllSessionTokensDangerously();
  return {
    mode,
    userId,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    antiCsrf: tokens.antiCsrfToken,
    frontToken: tokens.frontToken,
  };
}

/**
 * The request as the SuperTokens frontend SDK sends it: the access token as `sAccessToken`
 * cookie (plus `anti-csrf` on every non-GET request, HEAD included: supertokens-node checks
 * all of them) or as `Authorization: Bearer`.
 */
export function authenticated(
  credentials: Credentials,
  spec: RequestSpec = {},
  options: { antiCsrf?: string | null } = {},
): RequestSpec {
  if (credentials.mode === "header") {
    return { ...spec, headers: { ...spec.headers, Authorization: `Bearer ${credentials.accessToken}` } };
  }
  const antiCsrf = options.antiCsrf === undefined ? credentials.antiCsrf : options.antiCsrf;
  const needsAntiCsrf = (spec.method ?? "GET").toUpperCase() !== "GET";
  return {
    ...spec,
    cookies: { ...spec.cookies, sAccessToken: credentials.accessToken },
    headers: { ...spec.headers, ...(needsAntiCsrf && antiCsrf != null ? { "anti-csrf": antiCsrf } : {}) },
  };
}

/** The access token a reply issued (Set-Cookie in cookie mode, `st-access-token` in header mode). */
export function issuedAccessToken(reply: Reply, mode: TransferMode): string | undefined {
  if (mode === "header") return reply.headers.get("st-access-token") ?? undefined;
  return cookieValues(reply.cookies).sAccessToken;
}

/** The client's credentials after a reply that may have issued a new access token. */
export function afterReply(credentials: Credentials, reply: Reply): Credentials {
  return {
    ...credentials,
    accessToken: issuedAccessToken(reply, credentials.mode) ?? credentials.accessToken,
    frontToken: reply.headers.get("front-token") ?? credentials.frontToken,
  };
}

/** POST /auth/session/refresh through the real auth route, as the frontend SDK sends it. */
export async function refreshSession(user: Credentials): Promise<Reply> {
  const spec: RequestSpec =
    user.mode === "header"
      ? { headers: { authorization: `Bearer ${user.refreshToken}`, "st-auth-mode": "header" } }
      : { cookies: { sRefreshToken: user.refreshToken! }, headers: { "anti-csrf": user.antiCsrf ?? "" } };
  return readLambdaResult(
    await auth(restApiEvent({ method: "POST", path: "/auth/session/refresh", ...spec })),
  );
}

/** The client's credentials after a refresh reply (new access, refresh and anti-CSRF tokens). */
export function afterRefresh(user: Credentials, reply: Reply): Credentials {
  const cookies = cookieValues(reply.cookies);
  return {
    ...afterReply(user, reply),
    refreshToken:
      (user.mode === "cookie" ? cookies.sRefreshToken : reply.headers.get("st-refresh-token")) ??
      user.refreshToken,
    antiCsrf: reply.headers.get("anti-csrf") ?? user.antiCsrf,
  };
}

export function decodeJwtPayload(token: string): Record<string, unknown> {
  const part = token.split(".")[1];
  if (!part) throw new Error(`not a JWT: ${token.slice(0, 40)}`);
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** The front-token header: base64 JSON `{ uid, ate, up }`, `up` being the access token payload. */
export function decodeFrontToken(header: string): { uid: string; ate: number; up: Record<string, unknown> } {
  return JSON.parse(Buffer.from(header, "base64").toString("utf8"));
}

export interface SetCookie {
  name: string;
  value: string;
  /** Attribute names lower-cased; flags are `true`. */
  attributes: Record<string, string | true>;
}

export function parseSetCookie(line: string): SetCookie {
  const [pair = "", ...parts] = line.split(";");
  const eq = pair.indexOf("=");
  const attributes: Record<string, string | true> = {};
  for (const part of parts) {
    const [name = "", ...rest] = part.trim().split("=");
    attributes[name.toLowerCase()] = rest.length > 0 ? rest.join("=") : true;
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes };
}

export function cookieValues(lines: string[]): Record<string, string> {
  return Object.fromEntries(lines.map(parseSetCookie).map((cookie) => [cookie.name, cookie.value]));
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const COOKIE_VALUE = /^[!#-+\--:<-[\]-~]*$/;
const HTTP_DATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const KNOWN_ATTRIBUTES = new Set(["path", "expires", "max-age", "domain", "secure", "httponly", "samesite"]);

/**
 * Why `line` is not exactly one well-formed cookie (RFC 6265 `set-cookie-string`) carrying
 * Path, Expires, HttpOnly and SameSite, or undefined when it is.
 */
export function cookieProblem(line: string): string | undefined {
  const cookie = parseSetCookie(line);
  if (!TOKEN.test(cookie.name)) return `bad cookie name in ${line}`;
  if (!COOKIE_VALUE.test(cookie.value)) return `bad cookie value in ${line}`;
  for (const name of Object.keys(cookie.attributes))
    if (!KNOWN_ATTRIBUTES.has(name)) return `unknown attribute "${name}" (joined cookies?) in ${line}`;
  const { path, expires, httponly, samesite } = cookie.attributes;
  if (typeof path !== "string" || !path.startsWith("/")) return `no Path in ${line}`;
  if (typeof expires !== "string" || !HTTP_DATE.test(expires)) return `no valid Expires in ${line}`;
  if (httponly !== true) return `no HttpOnly in ${line}`;
  if (typeof samesite !== "string" || !/^(lax|strict|none)$/i.test(samesite)) return `no SameSite in ${line}`;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// One session handler behind every wrapper and every platform shape.

/** The handler as a middy function: the middleware puts the session on the context. */
export function middyHandler<S>(handler: SessionHandler<S, unknown>, options?: SessionOptions) {
  return middy(async (event: unknown, context: SessionContext) =>
    handler({
      session: context.session as S,
      request: context.sessionRequest,
      raw: event,
      config: context.config,
    }),
  ).use(sessionMiddleware(options));
}

/** `handler` behind verifySession and the middy middleware on every Lambda shape, and on Netlify v2. */
export function sessionTargets<O extends SessionOptions>(
  handler: SessionHandler<never, never>,
  options?: O,
  platforms: LambdaPlatform[] = LAMBDA_PLATFORMS,
): Target[] {
  const any = handler as SessionHandler<unknown, unknown>;
  const viaVerify = verifySession(any, options);
  const viaMiddy = middyHandler(any, options);
  return [
    ...platforms.map((platform) => lambdaTarget(platform, "verifySession", viaVerify)),
    ...platforms.map((platform) => lambdaTarget(platform, "middy", viaMiddy)),
    netlifyTarget(verifySessionNetlify(any, options)),
  ];
}

/** The 403 body supertokens-node answers when a claim check fails: the claim's `id` and `reason`. */
export function invalidClaim(id: string, reason: Record<string, unknown>) {
  return { message: "invalid claim", claimValidationErrors: [{ id, reason }] };
}
