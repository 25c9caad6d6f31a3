/**
 * The common case of SuperTokens' getSession without loading supertokens-node: a current access token
 * (v5, dynamic key, RS256) whose signature checks out with the core's key, not expired, anti-CSRF
 * satisfied, and not the first use after a refresh. It only ever says "this is the session" when
 * getSession would say exactly that; everything else — no token, a malformed or forged one, expired,
 * an unknown key, a refreshed token's first use (which must reach the core) — is `undefined`, and the
 * pipeline asks supertokens-node (test/integration/verify-session/quick-verify.test.ts compares both).
 */

import type { Config } from "../config/core.ts";
import { signingKey, signingKeysInHand } from "../core-client/signing-keys.ts";
import { cookieNameCount } from "../edge/access-token.ts";
import { base64urlObject, bearerToken } from "../edge/base64url.ts";
import type { HttpRequest } from "../http/model.ts";

/** Node's own module object: no ES-module facade, no bundler copy of its exports (COLD-START.md, cut 21). */
const crypto = process.getBuiltinModule("node:crypto");

/** A token the quick path accepted, and what supertokens-node's Session would be built from. */
export interface QuickToken {
  accessToken: string;
  payload: Record<string, unknown>;
  transferMethod: "cookie" | "header";
  /** The request's anti-csrf header, as getSession keeps it on the session. */
  antiCsrfToken: string | undefined;
}

/** supertokens-node's cookie names (ours are never renamed). */
const ACCESS_COOKIE = "sAccessToken";
const LEGACY_COOKIE = "sIdRefreshToken";
/** The only header the quick path reads; any other field (crit, b64, jku, …) goes to supertokens-node. */
const HEADER_FIELDS = new Set(["alg", "typ", "kid", "version"]);
/** Token versions whose structure this file checks (the core's current one). */
const VERSIONS = new Set(["5"]);
/** A token this close to its expiry goes to supertokens-node, so clock edges never differ. */
const EXPIRY_MARGIN_MS = 1000;

/** A signature's characters (non-empty base64url). */
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** A token's header or payload: a JSON object in base64url, else undefined. */
const parsePart = base64urlObject;

/** How getSession picks the token: a Bearer header first, else the cookie. */
function tokenOf(request: HttpRequest): { token: string; transferMethod: "cookie" | "header" } | undefined {
  const bearer = bearerToken(request.headers.get("authorization"));
  // A header getSession would ignore (not a token) lets it fall back to the cookie: leave both to it.
  if (bearer !== undefined) return { token: bearer, transferMethod: "header" };
  const cookie = request.cookies[ACCESS_COOKIE];
  return typeof cookie === "string" ? { token: cookie, transferMethod: "cookie" } : undefined;
}

/** getSession refuses a request repeating the access cookie. */
const repeatsAccessCookie = (request: HttpRequest) =>
  cookieNameCount(request.headers.get("cookie"), ACCESS_COOKIE) > 1;

/** A string getSession reads as it is (it trims what it reads: a padded one goes to it). */
const exactString = (value: unknown): value is string => typeof value === "string" && value === value.trim();
/** getSession reads null (and any non-string) as absent. */
const absent = (value: unknown) => value === undefined || value === null;

/** The payload fields getSession requires of a v5 token, with their types. */
function hasV5Structure(payload: Record<string, unknown>): boolean {
  return (
    (payload.stt === undefined || payload.stt === 0) &&
    exactString(payload.sub) &&
    typeof payload.exp === "number" &&
    typeof payload.iat === "number" &&
    exactString(payload.sessionHandle) &&
    typeof payload.refreshTokenHash1 === "string" &&
    exactString(payload.rsub) &&
    exactString(payload.tId) &&
    payload.nbf === undefined &&
    (absent(payload.antiCsrfToken) || exactString(payload.antiCsrfToken))
  );
}

/** Anti-CSRF as getSession applies it: cookie mode, a method other than GET, per ANTI_CSRF. */
function antiCsrfSatisfied(
  request: HttpRequest,
  config: Config,
  transferMethod: "cookie" | "header",
  payload: Record<string, unknown>,
): boolean {
  if (transferMethod === "header" || request.method.toLowerCase() === "get") return true;
  if (config.antiCsrf === "NONE") return true;
  if (config.antiCsrf === "VIA_CUSTOM_HEADER") return request.headers.get("rid") !== null;
  const sent = request.headers.get("anti-csrf");
  return exactString(payload.antiCsrfToken) && sent === payload.antiCsrfToken;
}

/**
 * The session's token when the quick path can vouch for it; `undefined` to let supertokens-node
 * decide. Throws only a CoreUnavailableError (the core could not give its keys: the 503 supertokens-node's
 * path would answer too, after two more requests to that core). `whileKeysLoad` sees the payload, not
 * yet verified, when the keys must first be fetched (a cold start): work for it can share that wait.
 */
export async function quickVerify(
  request: HttpRequest,
  config: Config,
  whileKeysLoad?: (unverified: Record<string, unknown>) => void,
): Promise<QuickToken | undefined> {
  if (request.cookies[LEGACY_COOKIE] !== undefined) return undefined;
  const found = tokenOf(request);
  if (!found) return undefined;
  const { token, transferMethod } = found;
  if (transferMethod === "cookie" && repeatsAccessCookie(request)) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [rawHeader = "", rawPayload = "", signature = ""] = parts;
  const header = parsePart(rawHeader);
  const payload = parsePart(rawPayload);
  if (!header || !payload || !BASE64URL.test(signature)) return undefined;
  if (Object.keys(header).some((field) => !HEADER_FIELDS.has(field))) return undefined;
  if (header.alg !== "RS256" || header.typ !== "JWT") return undefined;
  if (typeof header.version !== "string" || !VERSIONS.has(header.version)) return undefined;
  // Dynamic keys only (supertokens-node's default useDynamicAccessTokenSigningKey).
  if (typeof header.kid !== "string" || !header.kid.startsWith("d-")) return undefined;
  if (!hasV5Structure(payload)) return undefined;
  if ((payload.exp as number) * 1000 < Date.now() + EXPIRY_MARGIN_MS) return undefined;
  // The first use of a refreshed token confirms the rotation in the core: getSession's job.
  if (!absent(payload.parentRefreshTokenHash1)) return undefined;
  if (!antiCsrfSatisfied(request, config, transferMethod, payload)) return undefined;
  if (whileKeysLoad && !signingKeysInHand(config.connectionUri)) whileKeysLoad(payload);
  const key = await signingKey(config.connectionUri, header.kid, config.coreTimeoutMs);
  if (!key) return undefined;
  const signed = Buffer.from(`${rawHeader}.${rawPayload}`);
  if (!crypto.verify("RSA-SHA256", signed, key, Buffer.from(signature, "base64url"))) return undefined;
  return {
    accessToken: token,
    payload,
    transferMethod,
    antiCsrfToken: request.headers.get("anti-csrf") ?? undefined,
  };
}
