/**
 * getSession's verdict on a request's access token, with WebCrypto and the public key set only: the
 * same token source (a Bearer header with a token's structure first, else the `sAccessToken` cookie),
 * the same structure checks, signature (RS256 by a dynamic key of the key set), expiry and anti-CSRF,
 * and the same two refusals: `unauthorised` (no token) and `try-refresh` (anything that fails to
 * verify; the frontend SDK answers it by refreshing). test/integration/edge/differential.test.ts
 * holds it against supertokens-node's getSession over the forged-token corpus.
 * One difference, on purpose: the first use of a refreshed token (`parentRefreshTokenHash1`) passes;
 * getSession would also tell the core the rotation happened, which the function behind does.
 */
import { base64urlObject, bearerToken } from "./base64url.ts";
import type { KeySet } from "./key-set.ts";

export type AntiCsrf = "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE";

/** The parts of a request the verdict reads; header names are lower case. */
export interface TokenRequest {
  method: string;
  header(name: string): string | undefined;
}

export type Verdict =
  | { kind: "session"; payload: Record<string, unknown>; transferMethod: "cookie" | "header" }
  | { kind: "unauthorised"; reason: string }
  | { kind: "try-refresh"; reason: string };

const ACCESS_COOKIE = "sAccessToken";
const LEGACY_COOKIE = "sIdRefreshToken";
/** The header fields the core writes; a token with any other one was not signed by it. */
const HEADER_FIELDS = new Set(["alg", "typ", "kid", "version"]);

interface Candidate {
  parts: [string, string, string];
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

/**
 * The cookie header's values for `name`, found as the `cookie` package (getSession's parser) finds them:
 * the name as sent, the value unquoted and decoded.
 */
function cookieValues(header: string | undefined, name: string): string[] {
  const values: string[] = [];
  for (const pair of (header ?? "").split(";")) {
    const at = pair.indexOf("=");
    if (at < 0 || pair.slice(0, at).trim() !== name) continue;
    let value = pair.slice(at + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {}
    values.push(value);
  }
  return values;
}

/**
 * How often the cookie header names `name`: decoded or not, with a value or without. More than once,
 * getSession refuses the request; both quick verifiers count the same way, erring towards refusing.
 */
export function cookieNameCount(header: string | null | undefined, name: string): number {
  let seen = 0;
  for (const pair of (header ?? "").split(";")) {
    const written = pair.trim().split("=")[0] ?? "";
    let decoded = written;
    try {
      decoded = decodeURIComponent(written);
    } catch {}
    if (written === name || decoded === name) seen += 1;
  }
  return seen;
}

/** supertokens-node's structure checks (parseJWTWithoutSignatureVerification, validateAccessTokenStructure). */
function candidate(token: string | undefined): Candidate | undefined {
  if (token === undefined) return undefined;
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [rawHeader, rawPayload, signature] = parts as [string, string, string];
  const header = base64urlObject(rawHeader);
  const payload = base64urlObject(rawPayload);
  if (!header || !payload) return undefined;
  if (header.version !== undefined && typeof header.version !== "string") return undefined;
  const version = header.version === undefined ? 3 : Number.parseInt(header.version as string, 10);
  if (header.typ !== "JWT" || !Number.isInteger(version) || version < 3 || header.kid === undefined)
    return undefined;
  if (payload.stt !== 0 && payload.stt !== undefined) return undefined;
  const common =
    typeof payload.sub === "string" &&
    typeof payload.exp === "number" &&
    typeof payload.iat === "number" &&
    typeof payload.sessionHandle === "string" &&
    typeof payload.refreshTokenHash1 === "string";
  if (!common || (version >= 5 && typeof payload.rsub !== "string")) return undefined;
  if (version === 4 && typeof payload.tId !== "string") return undefined;
  return { parts: [rawHeader, rawPayload, signature], header, payload };
}

/** The signature, algorithm, key and time checks jose makes for supertokens-node. */
async function signedAndCurrent(token: Candidate, keys: KeySet): Promise<string | undefined> {
  const { header, payload, parts } = token;
  if (Object.keys(header).some((field) => !HEADER_FIELDS.has(field))) return "unexpected header field";
  if (header.alg !== "RS256") return "algorithm is not RS256";
  // The core's current token version, signed with a dynamic key (supertokens-node's default).
  if (header.version !== "5") return "token version is not 5";
  if (typeof header.kid !== "string" || !header.kid.startsWith("d-")) return "not a dynamic signing key";
  const verified = await keys.verifies(header.kid, `${parts[0]}.${parts[1]}`, parts[2]);
  if (verified === undefined) return "unknown signing key";
  if (!verified) return "bad signature";
  const now = Date.now();
  if ((payload.exp as number) * 1000 <= now) return "expired";
  if (payload.nbf !== undefined && (typeof payload.nbf !== "number" || payload.nbf * 1000 > now))
    return "not yet valid";
  return undefined;
}

/**
 * The verdict on the request's access token. Throws a KeySetUnavailableError when the keys cannot be
 * fetched: the caller refuses (503), as a function refuses when the core is down.
 */
export async function verifyAccessToken(
  request: TokenRequest,
  keys: KeySet,
  antiCsrf: AntiCsrf,
): Promise<Verdict> {
  const cookieHeader = request.header("cookie");
  if (cookieNameCount(cookieHeader, LEGACY_COOKIE) > 0)
    return { kind: "try-refresh", reason: "legacy session cookie" };
  const authorization = request.header("authorization");
  const bearer = bearerToken(authorization);
  const cookies = cookieValues(cookieHeader, ACCESS_COOKIE);
  const fromHeader = candidate(bearer);
  const fromCookie = fromHeader ? undefined : candidate(cookies[0]);
  const token = fromHeader ?? fromCookie;
  if (!token) return { kind: "unauthorised", reason: "no access token" };
  const transferMethod = fromHeader ? "header" : "cookie";
  if (transferMethod === "cookie" && cookieNameCount(cookieHeader, ACCESS_COOKIE) > 1)
    return { kind: "try-refresh", reason: "access cookie sent twice" };
  const checkAntiCsrf = transferMethod === "cookie" && request.method.toLowerCase() !== "get";
  if (checkAntiCsrf && antiCsrf === "VIA_CUSTOM_HEADER" && request.header("rid") === undefined)
    return { kind: "try-refresh", reason: "anti-CSRF: no rid header" };
  const failure = await signedAndCurrent(token, keys);
  if (failure) return { kind: "try-refresh", reason: failure };
  if (checkAntiCsrf && antiCsrf === "VIA_TOKEN") {
    const expected = token.payload.antiCsrfToken;
    if (typeof expected !== "string" || request.header("anti-csrf") !== expected)
      return { kind: "try-refresh", reason: "anti-CSRF token missing or wrong" };
  }
  return { kind: "session", payload: token.payload, transferMethod };
}
