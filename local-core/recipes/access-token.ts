// Access token minting and checking (token versions 2-5, as the real core issues per CDI version).

import type { CoreConfig } from "../config.ts";
import { badRequest } from "../errors.ts";
import { parseJwt, signatureValid, signJwt } from "../jwt.ts";
import { findKey, signingKeyFor, verificationKeys } from "../keys.ts";
import type { RequestContext } from "../router.ts";
import type { AppState, JsonObject, SigningKey } from "../state.ts";
import { readV2Claims, signV2 } from "./access-token-v2.ts";

export type TokenVersion = 2 | 3 | 4 | 5;

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
  const [major = 0, minor = 0] = cdiVersion.split(".").map(Number);
  if (major >= 4) return 5;
  if (major >= 3) return 4;
  return major === 2 && minor < 21 ? 2 : 3;
}

function protectedProps(version: TokenVersion): string[] {
  // v2 nests the user's claims under `userData`, so nothing there can clash.
  if (version === 2) return [];
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

export const protectedPropIn = (userData: JsonObject, version: TokenVersion): boolean =>
  protectedProps(version).some((prop) => Object.hasOwn(userData, prop));

export function assertNoProtectedProps(userData: JsonObject, version: TokenVersion): void {
  if (protectedPropIn(userData, version)) throw badRequest("The user payload contains protected field");
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
  const key = await signingKeyFor(app, config, input.useStaticKey);
  if (input.version === 2) return mintV2(input, key, config.accessTokenValidityMs);
  // Second precision, as the token's `iat`/`exp` carry it: the SDK builds the front token's
  // `ate` from `expiry` on create and from `exp * 1000` on verify, and the two must match.
  const now = Math.floor(Date.now() / 1000) * 1000;
  const expiry = Math.floor((input.expiryTime ?? now + config.accessTokenValidityMs) / 1000) * 1000;
  // Spread, not assignment: a user claim named `__proto__` stays a claim.
  const claims: Record<string, unknown> = {
    sub: input.userId,
    exp: expiry / 1000,
    iat: now / 1000,
    ...(input.version >= 4 ? { tId: input.tenantId } : {}),
    ...(input.version >= 5 ? { rsub: input.recipeUserId } : {}),
    sessionHandle: input.sessionHandle,
    refreshTokenHash1: input.refreshTokenHash1,
    parentRefreshTokenHash1: input.parentRefreshTokenHash1,
    antiCsrfToken: input.antiCsrfToken,
    ...input.userData,
  };
  const token = signJwt({ version: String(input.version) }, claims, key);
  return { token, expiry, createdTime: now };
}

function mintV2(input: MintInput, key: SigningKey, validityMs: number): MintedToken {
  // v2 carries milliseconds, so no rounding to the second here.
  const now = Date.now();
  const expiry = input.expiryTime ?? now + validityMs;
  const token = signV2(
    {
      sessionHandle: input.sessionHandle,
      userId: input.userId,
      refreshTokenHash1: input.refreshTokenHash1,
      parentRefreshTokenHash1: input.parentRefreshTokenHash1,
      antiCsrfToken: input.antiCsrfToken,
      userData: input.userData,
      expiryTime: expiry,
      timeCreated: now,
    },
    key,
  );
  return { token, expiry, createdTime: now };
}

/** Thrown when the caller should refresh (bad signature, unknown key, expired, malformed). */
export class TryRefreshError extends Error {}

const str = (value: unknown): string | null => (typeof value === "string" ? value : null);

function infoFromPayload(payload: Record<string, unknown>, version: TokenVersion): AccessTokenInfo {
  if (version === 2) {
    const claims = readV2Claims(payload);
    if (typeof claims === "string") {
      throw new TryRefreshError(
        `Access token does not contain all the information. Maybe the structure has changed? ${claims}`,
      );
    }
    return { version, ...claims, recipeUserId: claims.userId, tenantId: "public" };
  }
  for (const prop of ["sub", "exp", "iat", "sessionHandle", "refreshTokenHash1"]) {
    if (payload[prop] === undefined || payload[prop] === null) {
      throw new TryRefreshError(
        `Access token does not contain all the information. Maybe the structure has changed? ${prop}`,
      );
    }
  }
  const skip = new Set(protectedProps(version));
  const userData = Object.fromEntries(Object.entries(payload).filter(([k]) => !skip.has(k))) as JsonObject;
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
  const parsed = raw === undefined ? 3 : typeof raw === "string" ? Number.parseInt(raw, 10) : Number.NaN;
  // v1 and v2 tokens have the same shape.
  const version = parsed === 1 ? 2 : parsed;
  if (version !== 2 && version !== 3 && version !== 4 && version !== 5)
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
  if (jwt.header["alg"] !== "RS256") throw new TryRefreshError("JWT verification failed");
  if (version === 2) {
    // No kid: any key we still publish may have signed it.
    if (!verificationKeys(ctx.app).some((key) => signatureValid(jwt, key)))
      throw new TryRefreshError("JWT verification failed");
  } else {
    const key = typeof kid === "string" ? findKey(ctx.app, kid) : undefined;
    if (key === undefined) throw new TryRefreshError("Key not found");
    if (!signatureValid(jwt, key)) throw new TryRefreshError("JWT verification failed");
  }
  const info = infoFromPayload(jwt.payload, version);
  if (info.expiryTime < Date.now()) throw new TryRefreshError("Access token expired");
  return info;
}
