// Access token minting and checking (token versions 3-5, as the real core issues per CDI version).

import type { CoreConfig } from "../config.ts";
import { badRequest } from "../errors.ts";
import { parseJwt, signatureValid, signJwt } from "../jwt.ts";
import { findKey, signingKeyFor } from "../keys.ts";
import type { RequestContext } from "../router.ts";
import type { AppState, JsonObject } from "../state.ts";

export type TokenVersion = 3 | 4 | 5;

export interface AccessTokenInfo {
  version: TokenVersion;
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  expiryTime: number;
  timeCreated: number;
  userData: JsonObject;
}

/** The access token version the real core issues for a CDI version. */
export function tokenVersionFor(cdiVersion: string | undefined): TokenVersion {
  if (cdiVersion === undefined) return 5;
  const [major = 0] = cdiVersion.split(".").map(Number);
  if (major >= 4) return 5;
  if (major >= 3) return 4;
  // Pre-2.21 (v2, kid-less) tokens are not issued here; v3 is the oldest we mint.
  return 3;
}

function protectedProps(version: TokenVersion): string[] {
  const props = [
    "sub",
    "exp",
    "iat",
    "sessionHandle",
    "refreshTokenHash1",
    "parentRefreshTokenHash1",
    "antiCsrfToken",
  ];
  if (version >= 4) props.push("tId");
  if (version >= 5) props.push("rsub");
  return props;
}

export function assertNoProtectedProps(userData: JsonObject, version: TokenVersion): void {
  for (const prop of protectedProps(version)) {
    if (Object.hasOwn(userData, prop)) throw badRequest("The user payload contains protected field");
  }
}

export interface MintInput {
  version: TokenVersion;
  sessionHandle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  refreshTokenHash1: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
  userData: JsonObject;
  useStaticKey: boolean;
  /** Keep this expiry (regenerate); otherwise a full validity from now. */
  expiryTime?: number;
}

export interface MintedToken {
  token: string;
  expiry: number;
  createdTime: number;
}

export async function mintAccessToken(
  app: AppState,
  config: CoreConfig,
  input: MintInput,
): Promise<MintedToken> {
  assertNoProtectedProps(input.userData, input.version);
  const now = Date.now();
  const expiry = input.expiryTime ?? now + config.accessTokenValidityMs;
  const claims: Record<string, unknown> = {
    sub: input.userId,
    exp: Math.floor(expiry / 1000),
    iat: Math.floor(now / 1000),
  };
  if (input.version >= 4) claims["tId"] = input.tenantId;
  if (input.version >= 5) claims["rsub"] = input.recipeUserId;
  Object.assign(claims, {
    sessionHandle: input.sessionHandle,
    refreshTokenHash1: input.refreshTokenHash1,
    parentRefreshTokenHash1: input.parentRefreshTokenHash1,
    antiCsrfToken: input.antiCsrfToken,
    ...input.userData,
  });
  const key = await signingKeyFor(app, config, input.useStaticKey);
  const token = signJwt({ version: String(input.version) }, claims, key);
  return { token, expiry, createdTime: now };
}

/** Thrown when the caller should refresh (bad signature, unknown key, expired, malformed). */
export class TryRefreshError extends Error {}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

function infoFromPayload(payload: Record<string, unknown>, version: TokenVersion): AccessTokenInfo {
  for (const prop of ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1"]) {
    if (payload[prop] === undefined || payload[prop] === null) {
      throw new TryRefreshError(
        `Access token does not contain all the information. Maybe the structure has changed? ${prop}`,
      );
    }
  }
  const userData: JsonObject = {};
  const skip = new Set(protectedProps(version));
  for (const [k, value] of Object.entries(payload))
    if (!skip.has(k)) userData[k] = value as JsonObject[string];
  const userId = String(payload["sub"]);
  return {
    version,
    sessionHandle: String(payload["sessionHandle"]),
    userId,
    recipeUserId: version >= 5 ? (str(payload["rsub"]) ?? userId) : userId,
    tenantId: version >= 4 ? (str(payload["tId"]) ?? "public") : "public",
    refreshTokenHash1: String(payload["refreshTokenHash1"]),
    parentRefreshTokenHash1: str(payload["parentRefreshTokenHash1"]),
    antiCsrfToken: str(payload["antiCsrfToken"]),
    expiryTime: Number(payload["exp"]) * 1000,
    timeCreated: Number(payload["iat"]) * 1000,
    userData,
  };
}

function versionOf(header: Record<string, unknown>): TokenVersion {
  const raw = header["version"];
  const version = raw === undefined ? 3 : typeof raw === "string" ? Number.parseInt(raw, 10) : Number.NaN;
  if (version !== 3 && version !== 4 && version !== 5)
    throw new TryRefreshError("Unsupported access token version");
  return version;
}

/** Reads a token's claims without checking signature or expiry (regenerate does that). */
export function readAccessToken(token: string): AccessTokenInfo {
  const jwt = parseJwt(token);
  if (jwt === undefined) throw new TryRefreshError("Invalid JWT");
  return infoFromPayload(jwt.payload, versionOf(jwt.header));
}

export function verifyAccessToken(ctx: RequestContext, token: string): AccessTokenInfo {
  const jwt = parseJwt(token);
  if (jwt === undefined) throw new TryRefreshError("Invalid JWT");
  const version = versionOf(jwt.header);
  const kid = jwt.header["kid"];
  const key = typeof kid === "string" ? findKey(ctx.app, kid) : undefined;
  if (key === undefined) throw new TryRefreshError("Key not found");
  if (jwt.header["alg"] !== "RS256" || !signatureValid(jwt, key)) {
    throw new TryRefreshError("JWT verification failed");
  }
  const info = infoFromPayload(jwt.payload, version);
  if (info.expiryTime < Date.now()) throw new TryRefreshError("Access token expired");
  return info;
}
