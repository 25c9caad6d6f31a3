/**
 * The access token's size budget, and the policy that keeps every token within it: when the user's roles
 * and permissions would push the token past the budget, `st-perm` (then `st-role`) is left out of the
 * payload and `compacted` names what was left out, so readers take it from the core instead.
 * Why these numbers: README "Roles in the token".
 */

import type { JSONObject } from "supertokens-node/types";
import { unverifiedPayload } from "../edge/base64url.ts";

/**
 * Largest access token (the JWT) we let the core sign, in bytes. A browser drops a cookie whose name and
 * value pass 4,096 bytes (`sAccessToken=`, or the SDK's `st-access-token=` in header mode), and API
 * Gateway refuses requests whose request line and headers pass 10,240 bytes: in the worst case (header
 * mode, page and API on one host) a request carries the token twice plus the front token.
 */
export const ACCESS_TOKEN_BUDGET = 2560;
/** Largest front token (base64 of the payload; the SDK keeps it in the `sFrontToken` cookie). */
export const FRONT_TOKEN_BUDGET = 2560;

/** Payload key naming the role claims left out of this token: read them from the core. */
export const COMPACTED_KEY = "compacted";
/** What may be left out, in the order it is: permissions first, then the role list. */
export const OMISSIBLE_CLAIMS = ["st-perm", "st-role"] as const;
export type OmissibleClaim = (typeof OMISSIBLE_CLAIMS)[number];
/** The payload keys each left-out claim takes with it: `scope` repeats `st-perm` for API Gateway. */
const KEYS_OF: Record<OmissibleClaim, readonly string[]> = {
  "st-perm": ["st-perm", "scope"],
  "st-role": ["st-role"],
};
/** Every payload key the budget may leave out. */
export const OMISSIBLE_KEYS: readonly string[] = OMISSIBLE_CLAIMS.flatMap((claim) => KEYS_OF[claim]);

// The parts of a token we do not choose, at their largest. Header: `{"kid":"s-<uuid>","typ":"JWT",
// "version":"5","alg":"RS256"}` is 87 bytes; 128 leaves room. The core signs with RS256 and a 2,048-bit
// key: a 256-byte signature. `iat`/`exp` get 13 digits, hashes 64 hex characters, the anti-CSRF token and
// session handle a UUID (the handle with `_<tenant>` outside the public tenant), `stt` one digit.
const HEADER_JSON_BYTES = 128;
const SIGNATURE_BYTES = 256;
const TIME = 9_999_999_999_999;
const HASH = "f".repeat(64);
const UUID = "f".repeat(36);

/** Who the token is for: the claims the core adds that vary in length. */
export interface TokenOwner {
  userId: string;
  recipeUserId: string;
  tenantId: string;
}

export interface TokenSizes {
  /** The JWT: base64url header, payload and signature. */
  accessToken: number;
  /** The `front-token` header: base64 of `{uid, ate, up}`. */
  frontToken: number;
}

const base64url = (bytes: number) => Math.ceil((bytes * 4) / 3);
const base64 = (bytes: number) => 4 * Math.ceil(bytes / 3);

/**
 * JSON length in bytes, rounded up for any serialiser: the real core (Gson) writes `<>&='` as `\u003c`…,
 * and a non-ASCII character may become `\uXXXX`; counting 6 bytes for each covers both.
 */
export function conservativeJsonBytes(value: unknown): number {
  const json = JSON.stringify(value);
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    bytes +=
      code >= 0x80 || code === 0x3c || code === 0x3e || code === 0x26 || code === 0x3d || code === 0x27
        ? 6
        : 1;
  }
  return bytes;
}

/** The claims the core adds around our payload, at their largest. */
function protectedClaims(owner: TokenOwner): Record<string, unknown> {
  return {
    sub: owner.userId,
    rsub: owner.recipeUserId,
    tId: owner.tenantId,
    iat: TIME,
    exp: TIME,
    sessionHandle: owner.tenantId === "public" ? UUID : `${UUID}_${owner.tenantId}`,
    refreshTokenHash1: HASH,
    parentRefreshTokenHash1: HASH,
    antiCsrfToken: UUID,
    stt: 9,
  };
}

/** The sizes the core's token and supertokens-node's front token will have at most, for this payload. */
export function estimateTokenSizes(payload: JSONObject, owner: TokenOwner): TokenSizes {
  const full = { ...payload, ...protectedClaims(owner) };
  const payloadBytes = conservativeJsonBytes(full);
  const accessToken =
    base64url(HEADER_JSON_BYTES) + 1 + base64url(payloadBytes) + 1 + base64url(SIGNATURE_BYTES);
  // `{"uid":…,"ate":…,"up":…}` around the same payload.
  const frontToken = base64(payloadBytes + conservativeJsonBytes({ uid: owner.userId, ate: TIME, up: 0 }));
  return { accessToken, frontToken };
}

export const withinBudget = (sizes: TokenSizes) =>
  sizes.accessToken <= ACCESS_TOKEN_BUDGET && sizes.frontToken <= FRONT_TOKEN_BUDGET;

/** The claims a payload says it left out (only ones we omit, and only while they are absent). */
export function compactedClaims(payload: Record<string, unknown>): OmissibleClaim[] {
  const listed = payload[COMPACTED_KEY];
  if (!Array.isArray(listed)) return [];
  return OMISSIBLE_CLAIMS.filter((claim) => listed.includes(claim) && !Object.hasOwn(payload, claim));
}

/** Thrown when even the most compact payload would not fit: claims other than the roles are too big. */
export class AccessTokenTooLargeError extends Error {
  constructor(
    readonly userId: string,
    readonly sizes: TokenSizes,
  ) {
    super(
      `access token for ${userId}: ${sizes.accessToken} bytes without st-role and st-perm (budget ${ACCESS_TOKEN_BUDGET})`,
    );
    this.name = "AccessTokenTooLargeError";
  }
}

export interface Fitted {
  payload: JSONObject;
  /** Claims left out of `payload` (and named in its `compacted`). */
  omitted: OmissibleClaim[];
  /** Estimated sizes of the payload as it came, and as it will be signed. */
  full: TokenSizes;
  fitted: TokenSizes;
}

/**
 * The payload to sign: as given when it fits, else without `st-perm`, else without `st-role` too
 * (`role` always stays). A marker naming a claim the payload holds again is dropped, so a token that
 * shrank becomes complete. Throws AccessTokenTooLargeError when nothing we may omit makes it fit.
 */
export function fitPayload(payload: JSONObject, owner: TokenOwner): Fitted {
  const omitted = compactedClaims(payload);
  const current: JSONObject = { ...payload };
  delete current[COMPACTED_KEY];
  if (omitted.length > 0) current[COMPACTED_KEY] = [...omitted];
  const full = estimateTokenSizes(current, owner);
  let fitted = full;
  for (const claim of OMISSIBLE_CLAIMS) {
    if (withinBudget(fitted)) break;
    if (!Object.hasOwn(current, claim)) continue;
    for (const key of KEYS_OF[claim]) delete current[key];
    omitted.push(claim);
    current[COMPACTED_KEY] = OMISSIBLE_CLAIMS.filter((c) => omitted.includes(c));
    fitted = estimateTokenSizes(current, owner);
  }
  if (!withinBudget(fitted)) throw new AccessTokenTooLargeError(owner.userId, fitted);
  return { payload: current, omitted: OMISSIBLE_CLAIMS.filter((c) => omitted.includes(c)), full, fitted };
}

/**
 * One JSON line on stderr when a session's token loses a claim it had (not on every rewrite of a token
 * that is compacted already), so operators see whose roles outgrew the token and by how much.
 */
export function warnCompacted(
  fit: Fitted,
  before: readonly string[],
  context: { userId: string; sessionHandle?: string; via: string },
): void {
  if (!fit.omitted.some((claim) => !before.includes(claim))) return;
  console.warn(
    JSON.stringify({
      level: "WARN",
      message: "access token compacted to fit its size budget",
      userId: context.userId,
      sessionHandle: context.sessionHandle,
      via: context.via,
      omitted: fit.omitted,
      accessTokenBytes: { full: fit.full.accessToken, compacted: fit.fitted.accessToken },
      frontTokenBytes: { full: fit.full.frontToken, compacted: fit.fitted.frontToken },
      budgetBytes: ACCESS_TOKEN_BUDGET,
    }),
  );
}

/** The sizes of tokens the core signed (and supertokens-node built the front token for). */
export const signedSizes = (tokens: { accessToken: string; frontToken?: string }): TokenSizes => ({
  accessToken: tokens.accessToken.length,
  frontToken: tokens.frontToken?.length ?? 0,
});

/** The claims of a JWT, unverified (our own tokens, just returned by or sent to the core). */
export const unverifiedClaims = (token: string): Record<string, unknown> => unverifiedPayload(token) ?? {};
