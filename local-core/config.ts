// Per-app core config with the real core's key names and units.
import { badRequest } from "./errors.ts";

export type CoreConfigInput = Record<string, unknown>;

export interface CoreConfig {
  accessTokenValidityMs: number;
  refreshTokenValidityMs: number;
  /** Real core unit: hours. */
  keyUpdateIntervalMs: number;
  apiKeys: string[];
  dynamicSigningKeyByDefault: boolean;
  passwordResetTokenLifetimeMs: number;
  emailVerificationTokenLifetimeMs: number;
  passwordlessCodeLifetimeMs: number;
  passwordlessMaxCodeInputAttempts: number;
}

const num = (raw: CoreConfigInput, key: string, fallback: number): number => {
  const value = raw[key];
  if (value === undefined || value === null) return fallback;
  const parsed = typeof value === "string" ? Number(value) : value;
  if (typeof parsed !== "number" || !Number.isFinite(parsed) || parsed <= 0) {
    throw badRequest(`Invalid core config: '${key}' must be a positive number`);
  }
  return parsed;
};

const API_KEY_CHARS = /^[a-zA-Z0-9=-]+$/;

function parseApiKeys(value: unknown): string[] {
  if (value === undefined || value === null || value === "") return [];
  if (typeof value !== "string") throw badRequest("Invalid core config: 'api_keys' must be a string");
  const keys = value
    .split(",")
    .map((k) => k.trim())
    .filter((k) => k !== "");
  for (const key of keys) {
    if (!API_KEY_CHARS.test(key)) {
      throw badRequest(
        "Invalid characters in API key. Please only use '=', '-' and alpha-numeric (including capitals)",
      );
    }
    if (key.length < 20)
      throw badRequest("One of the API keys is too short. Please use at least 20 characters");
  }
  return keys;
}

/** Validates and converts to milliseconds. Throws a 400 like the real core for bad values. */
export function resolveConfig(raw: CoreConfigInput): CoreConfig {
  const dynamic = raw["access_token_signing_key_dynamic"];
  return {
    accessTokenValidityMs: num(raw, "access_token_validity", 3600) * 1000,
    refreshTokenValidityMs: num(raw, "refresh_token_validity", 60 * 2400) * 60 * 1000,
    keyUpdateIntervalMs: num(raw, "access_token_dynamic_signing_key_update_interval", 168) * 3600 * 1000,
    apiKeys: parseApiKeys(raw["api_keys"]),
    dynamicSigningKeyByDefault: !(dynamic === false || dynamic === "false"),
    passwordResetTokenLifetimeMs: num(raw, "password_reset_token_lifetime", 3600000),
    emailVerificationTokenLifetimeMs: num(raw, "email_verification_token_lifetime", 24 * 3600 * 1000),
    passwordlessCodeLifetimeMs: num(raw, "passwordless_code_lifetime", 900000),
    passwordlessMaxCodeInputAttempts: num(raw, "passwordless_max_code_input_attempts", 5),
  };
}
