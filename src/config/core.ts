import * as v from "valibot";
import { LOG_LEVELS, type LogLevel } from "./observability.ts";
import { ConfigError, type Environment, parseEnvironment, wholeNumber } from "./parse.ts";

/** Everything a function reads from its environment, validated once per cold start. */
export interface Config {
  connectionUri: string;
  apiKey: string | undefined;
  apiDomain: string;
  apiBasePath: string;
  apiGatewayPath: string;
  websiteDomain: string;
  rolePrecedence: string[];
  adminRole: string;
  defaultRole: string;
  coreTimeoutMs: number;
  antiCsrf: "VIA_TOKEN" | "VIA_CUSTOM_HEADER" | "NONE";
  cookieSameSite: "lax" | "strict" | "none";
  /** SSM parameter holding the core's API key, read at run time instead of SUPERTOKENS_API_KEY. */
  apiKeyParameter: string | undefined;
  logLevel: LogLevel;
  /** Written into every access token's `aud`, for API Gateway's JWT authorizer. */
  jwtAudience: string;
  /** How long a role's permissions read from the core may be reused (0: read on every request). */
  rolePermissionsMaxAgeMs: number;
  /** Whether a role change through the admin API also rewrites the user's live sessions now. */
  sessionFanOut: boolean;
}

/** Variables whose value is never repeated in an error message. */
const SECRET_VARIABLES = new Set(["SUPERTOKENS_API_KEY"]);

export const DEFAULT_CONNECTION_URI = "http://127.0.0.1:3567";
export const DEFAULT_CORE_TIMEOUT_MS = 3000;

/**
 * The core's URL as the config will read it, without reading the rest: for a head start on a request
 * that needs nothing else (the public signing keys). Anything but an http(s) URL gives undefined; the
 * config reports it at the first request.
 */
export function connectionUriFromEnvironment(env: Environment = process.env) {
  const value = env.SUPERTOKENS_CONNECTION_URI || DEFAULT_CONNECTION_URI;
  return /^https?:\/\//i.test(value) && URL.canParse(value) ? value : undefined;
}

const httpUrl = v.pipe(
  v.string(),
  v.url("must be an http(s) URL"),
  v.check((value) => /^https?:\/\//i.test(value), "must be an http(s) URL"),
);
const urlPath = v.pipe(v.string(), v.regex(/^(\/[\w.~-]+)*\/?$/, "must be a path like /auth"));
/**
 * What a role name may be. The core trims role names, so a name with padding or control characters
 * would reach another role (" admin " → admin): such names are refused before the core sees them.
 */
export const ROLE_NAME = /^[\w:.-]{1,100}$/;
/**
 * What a permission name may be: no comma, white space or control character, since lists of them travel
 * comma-joined (the authorizer's context) and space-joined (`scope`), and the core trims names.
 */
export const PERMISSION_NAME = /^[^\s,\p{Cc}]{1,200}$/u;
const roleName = v.pipe(v.string(), v.regex(ROLE_NAME, "must be a role name like admin"));
const roleList = v.pipe(
  v.string(),
  v.transform((value) => value.split(",").map((role) => role.trim())),
  // ",,," or "admin,,user" is a typo, not a shorter list: refuse it rather than guess.
  v.check(
    (roles) => roles.every((role) => role !== ""),
    "must be a comma-separated list of role names like admin,editor,user, without empty names",
  ),
  v.array(roleName),
  v.check((roles) => new Set(roles).size === roles.length, "names a role twice"),
);
const milliseconds = (min: number, max: number) =>
  wholeNumber(min, max, `must be a whole number of milliseconds from ${min} to ${max}`);
const seconds = (max: number) => wholeNumber(0, max, `must be a whole number of seconds from 0 to ${max}`);
const ssmParameterName = v.pipe(
  v.string(),
  v.regex(
    /^(\/?[\w.-]+(\/[\w.-]+)*|arn:aws[\w-]*:ssm:[\w-]+:\d{12}:parameter\/[\w./-]+)$/,
    "must be an SSM parameter name like /session-roles/prod/supertokens-api-key (or its ARN)",
  ),
);

const EnvSchema = v.object({
  SUPERTOKENS_CONNECTION_URI: v.optional(httpUrl, DEFAULT_CONNECTION_URI),
  SUPERTOKENS_API_KEY: v.optional(v.pipe(v.string(), v.minLength(1))),
  API_DOMAIN: v.optional(httpUrl, "http://localhost:3000"),
  API_BASE_PATH: v.optional(urlPath, "/auth"),
  API_GATEWAY_PATH: v.optional(urlPath, ""),
  WEBSITE_DOMAIN: v.optional(httpUrl, "http://localhost:3001"),
  ROLE_PRECEDENCE: v.optional(roleList, "admin,editor,user"),
  ADMIN_ROLE: v.optional(roleName, "admin"),
  DEFAULT_ROLE: v.optional(roleName, "user"),
  CORE_TIMEOUT_MS: v.optional(milliseconds(1, 60_000), String(DEFAULT_CORE_TIMEOUT_MS)),
  ANTI_CSRF: v.optional(
    v.picklist(["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"], "must be VIA_TOKEN, VIA_CUSTOM_HEADER or NONE"),
    "VIA_TOKEN",
  ),
  COOKIE_SAME_SITE: v.optional(
    v.pipe(
      v.string(),
      v.transform((value) => value.trim().toLowerCase()),
      v.picklist(["lax", "strict", "none"], "must be lax, strict or none"),
    ),
  ),
  SUPERTOKENS_API_KEY_PARAMETER: v.optional(ssmParameterName),
  LOG_LEVEL: v.optional(
    v.pipe(
      v.string(),
      v.transform((value) => value.trim().toUpperCase()),
      v.picklist(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(", ")}`),
    ),
    "INFO",
  ),
  JWT_AUDIENCE: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\w:./-]{1,200}$/, "must be an audience like session-roles or https://api.example.com"),
    ),
    "session-roles",
  ),
  ROLE_PERMISSIONS_MAX_AGE_SECONDS: v.optional(seconds(3600), "60"),
  SESSION_FANOUT: v.optional(v.picklist(["on", "off"], "must be on or off"), "on"),
});

/** Hostnames supertokens-node itself treats as one site ("localhost"): localhost* and IPv4 addresses. */
function isLocalHostname(hostname: string): boolean {
  return hostname.startsWith("localhost") || /^(\d{1,3}\.){3}\d{1,3}$/.test(hostname);
}

/**
 * The SameSite default, decided without a public-suffix list (so bundles can leave tldts out):
 * `lax` when the API and the website are the same site beyond doubt — same protocol and either the
 * same hostname or both localhost/IP, as supertokens-node decides it — otherwise `none`, which works
 * for every cross-site deployment over https (anti-CSRF still protects the session). Subdomains of
 * one registrable domain (api.example.com, app.example.com) get `none`; set COOKIE_SAME_SITE=lax for
 * them if you prefer.
 */
export function defaultCookieSameSite(apiDomain: string, websiteDomain: string): "lax" | "none" {
  const api = new URL(apiDomain);
  const website = new URL(websiteDomain);
  if (api.protocol !== website.protocol) return "none";
  const sameSite =
    api.hostname === website.hostname || (isLocalHostname(api.hostname) && isLocalHostname(website.hostname));
  return sameSite ? "lax" : "none";
}

/** Reads and validates the environment; throws one ConfigError naming the first bad variable. */
export function loadConfig(env: Environment = process.env): Config {
  const out = parseEnvironment(EnvSchema, env, SECRET_VARIABLES);
  if (out.SUPERTOKENS_API_KEY !== undefined && out.SUPERTOKENS_API_KEY_PARAMETER !== undefined)
    throw new ConfigError(
      "set SUPERTOKENS_API_KEY or SUPERTOKENS_API_KEY_PARAMETER (the SSM parameter holding the key), not both",
    );
  const cookieSameSite = out.COOKIE_SAME_SITE ?? defaultCookieSameSite(out.API_DOMAIN, out.WEBSITE_DOMAIN);
  // SameSite=None cookies ride along on any site's form or text/plain POST: only anti-CSRF stops those.
  if (out.ANTI_CSRF === "NONE" && cookieSameSite === "none")
    throw new ConfigError(
      "ANTI_CSRF=NONE with cross-site cookies (SameSite=None) lets any site send signed-in requests: use VIA_TOKEN or VIA_CUSTOM_HEADER, or COOKIE_SAME_SITE=lax",
    );
  return {
    connectionUri: out.SUPERTOKENS_CONNECTION_URI.replace(/\/+$/, ""),
    apiKey: out.SUPERTOKENS_API_KEY,
    apiDomain: out.API_DOMAIN,
    apiBasePath: out.API_BASE_PATH,
    apiGatewayPath: out.API_GATEWAY_PATH,
    websiteDomain: out.WEBSITE_DOMAIN.replace(/\/+$/, ""),
    rolePrecedence: out.ROLE_PRECEDENCE,
    adminRole: out.ADMIN_ROLE,
    defaultRole: out.DEFAULT_ROLE,
    coreTimeoutMs: out.CORE_TIMEOUT_MS,
    antiCsrf: out.ANTI_CSRF,
    cookieSameSite,
    apiKeyParameter: out.SUPERTOKENS_API_KEY_PARAMETER,
    logLevel: out.LOG_LEVEL,
    jwtAudience: out.JWT_AUDIENCE,
    rolePermissionsMaxAgeMs: out.ROLE_PERMISSIONS_MAX_AGE_SECONDS * 1000,
    sessionFanOut: out.SESSION_FANOUT === "on",
  };
}

let fromEnvironment: Config | undefined;

/** The environment's config, read and validated once per cold start. */
export function runtimeConfig(): Config {
  fromEnvironment ??= loadConfig();
  return fromEnvironment;
}
