// Shape of everything the core remembers. Lookup tables are Maps, so an id like `constructor` or
// `__proto__` is just a key (no inherited properties); ./snapshot.ts turns them into JSON and back.
import type { CdiThirdPartyProvider } from "./cdi.ts";
import type { CoreConfigInput } from "./config.ts";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface SigningKey {
  kid: string;
  /** Private RSA key as JWK (never published; the JWKS carries only n/e). */
  privateJwk: Record<string, string>;
  createdAt: number;
  /** After this the key leaves the JWKS; static keys never expire. */
  expiresAt: number | null;
}

export interface SessionRow {
  handle: string;
  userId: string;
  recipeUserId: string;
  tenantId: string;
  userDataInJWT: JsonObject;
  userDataInDatabase: JsonObject;
  /** sha256(sha256(current refresh token)). */
  refreshTokenHash2: string;
  expiry: number;
  timeCreated: number;
  useStaticKey: boolean;
  /** Keys of `refreshTokens` minted for this session, so removal can drop them. */
  tokenHash2s: string[];
}

export interface RefreshTokenInfo {
  sessionHandle: string;
  parentRefreshTokenHash1: string | null;
  antiCsrfToken: string | null;
}

interface LoginMethodBase {
  recipeUserId: string;
  tenantIds: string[];
  timeJoined: number;
}

export interface EmailPasswordLogin extends LoginMethodBase {
  recipeId: "emailpassword";
  email: string;
  /** `scrypt$N$r$p$salt$hash`, base64url parts. */
  passwordHash: string;
}

export interface ThirdPartyLogin extends LoginMethodBase {
  recipeId: "thirdparty";
  email: string;
  thirdParty: { id: string; userId: string };
}

/** Has an email, a phone number, or both (after an update). */
export interface PasswordlessLogin extends LoginMethodBase {
  recipeId: "passwordless";
  email?: string;
  phoneNumber?: string;
}

export type LoginMethodRow = EmailPasswordLogin | ThirdPartyLogin | PasswordlessLogin;

export interface UserRow {
  id: string;
  timeJoined: number;
  loginMethod: LoginMethodRow;
}

export interface ResetTokenRow {
  userId: string;
  email: string;
  tenantId: string;
  expiry: number;
}

export interface PasswordlessCodeRow {
  codeId: string;
  /** sha256 of the link code; the code itself is only handed out once. */
  linkCodeHash: string;
  userInputCode: string;
  timeCreated: number;
  codeLifetime: number;
}

/** A passwordless login attempt; keyed by preAuthSessionId (= hash of the device id). */
export interface PasswordlessDeviceRow {
  tenantId: string;
  email?: string;
  phoneNumber?: string;
  failedAttempts: number;
  codes: PasswordlessCodeRow[];
}

export interface TenantRow {
  tenantId: string;
  coreConfig: JsonObject;
  firstFactors: string[] | null;
  requiredSecondaryFactors: string[] | null;
  /** Third-party providers configured for this tenant, as the SDK sent them. */
  thirdPartyProviders: CdiThirdPartyProvider[];
}

export interface AppState {
  appId: string;
  config: CoreConfigInput;
  tenants: Map<string, TenantRow>;
  dynamicKeys: SigningKey[];
  staticKey: SigningKey;
  sessions: Map<string, SessionRow>;
  refreshTokens: Map<string, RefreshTokenInfo>;
  users: Map<string, UserRow>;
  /** tenantId -> lower-cased email -> user id, for email/password users only. */
  emailIndex: Map<string, Map<string, string>>;
  roles: Map<string, string[]>;
  /** tenantId -> userId -> roles. */
  userRoles: Map<string, Map<string, string[]>>;
  metadata: Map<string, JsonObject>;
  /** `userId\u0000email` pairs that are verified. */
  verifiedEmails: Set<string>;
  resetTokens: Map<string, ResetTokenRow>;
  /** Keyed by sha256 of the token; same row shape as reset tokens. */
  emailVerificationTokens: Map<string, ResetTokenRow>;
  passwordlessDevices: Map<string, PasswordlessDeviceRow>;
}

export interface CoreState {
  format: 1;
  apps: Map<string, AppState>;
}

/** The inner map under `key`, created when missing. */
export function bucket<T>(outer: Map<string, Map<string, T>>, key: string): Map<string, T> {
  let inner = outer.get(key);
  if (inner === undefined) {
    // Read back: a tracked outer map stores a tracked copy (tracked.ts).
    outer.set(key, new Map());
    inner = outer.get(key)!;
  }
  return inner;
}
