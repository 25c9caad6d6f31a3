import * as v from "valibot";
import { LOG_LEVELS, type LogLevel } from "./observability.ts";
import {
  ConfigError,
  type Environment,
  parseEnvironment,
  type QuickVariables,
  quickMatching,
  quickOneOf,
  quickWholeNumber,
  wholeNumber,
} from "./parse.ts";

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

/** What an http(s) URL variable must be: one `new URL` parses, starting with http:// or https://. */
const isHttpUrl = (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value);
const quickHttpUrl = (value: string) => (isHttpUrl(value) ? value : undefined);

/**
 * The core's URL as the config will read it, without reading the rest: for a head start on a request
 * that needs nothing else (the public signing keys). Anything but an http(s) URL gives undefined; the
 * config reports it at the first request.
 */
export function connectionUriFromEnvironment(env: Environment = process.env) {
  return quickHttpUrl(env.SUPERTOKENS_CONNECTION_URI || DEFAULT_CONNECTION_URI);
}
const URL_PATH = /^(\/[\w.~-]+)*\/?$/;
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
const SSM_PARAMETER = /^(\/?[\w.-]+(\/[\w.-]+)*|arn:aws[\w-]*:ssm:[\w-]+:\d{12}:parameter\/[\w./-]+)$/;
const JWT_AUDIENCE = /^[\w:./-]{1,200}$/;
const ANTI_CSRF_MODES = ["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"] as const;
const SAME_SITE_VALUES = ["lax", "strict", "none"] as const;
const FAN_OUT_VALUES = ["on", "off"] as const;

/** A comma-separated list of role names, each once; undefined for anything else. */
function roleListOf(value: string): string[] | undefined {
  const roles = value.split(",").map((role) => role.trim());
  const named = roles.every((role) => ROLE_NAME.test(role));
  return named && new Set(roles).size === roles.length ? roles : undefined;
}

/** Defaults as they would be set: the schema reads them like set values. */
const DEFAULTS = {
  API_DOMAIN: "http://localhost:3000",
  API_BASE_PATH: "/auth",
  API_GATEWAY_PATH: "",
  WEBSITE_DOMAIN: "http://localhost:3001",
  ROLE_PRECEDENCE: "admin,editor,user",
  ADMIN_ROLE: "admin",
  DEFAULT_ROLE: "user",
  ANTI_CSRF: "VIA_TOKEN",
  LOG_LEVEL: "INFO",
  JWT_AUDIENCE: "session-roles",
  ROLE_PERMISSIONS_MAX_AGE_SECONDS: "60",
  SESSION_FANOUT: "on",
} as const;

/** The complete reading of the environment, and the words of every error: built when a value needs it. */
function environmentSchema() {
  const httpUrl = v.pipe(
    v.string(),
    v.url("must be an http(s) URL"),
    v.check(isHttpUrl, "must be an http(s) URL"),
  );
  const urlPath = v.pipe(v.string(), v.regex(URL_PATH, "must be a path like /auth"));
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
  const caseFolded = <T extends string>(
    fold: (value: string) => string,
    values: readonly T[],
    message: string,
  ) => v.pipe(v.string(), v.transform(fold), v.picklist(values, message));
  return v.object({
    SUPERTOKENS_CONNECTION_URI: v.optional(httpUrl, DEFAULT_CONNECTION_URI),
    SUPERTOKENS_API_KEY: v.optional(v.pipe(v.string(), v.minLength(1))),
    API_DOMAIN: v.optional(httpUrl, DEFAULTS.API_DOMAIN),
    API_BASE_PATH: v.optional(urlPath, DEFAULTS.API_BASE_PATH),
    API_GATEWAY_PATH: v.optional(urlPath, DEFAULTS.API_GATEWAY_PATH),
    WEBSITE_DOMAIN: v.optional(httpUrl, DEFAULTS.WEBSITE_DOMAIN),
    ROLE_PRECEDENCE: v.optional(roleList, DEFAULTS.ROLE_PRECEDENCE),
    ADMIN_ROLE: v.optional(roleName, DEFAULTS.ADMIN_ROLE),
    DEFAULT_ROLE: v.optional(roleName, DEFAULTS.DEFAULT_ROLE),
    CORE_TIMEOUT_MS: v.optional(milliseconds(1, 60_000), String(DEFAULT_CORE_TIMEOUT_MS)),
    ANTI_CSRF: v.optional(
      v.picklist(ANTI_CSRF_MODES, "must be VIA_TOKEN, VIA_CUSTOM_HEADER or NONE"),
      DEFAULTS.ANTI_CSRF,
    ),
    COOKIE_SAME_SITE: v.optional(
      caseFolded((value) => value.trim().toLowerCase(), SAME_SITE_VALUES, "must be lax, strict or none"),
    ),
    SUPERTOKENS_API_KEY_PARAMETER: v.optional(
      v.pipe(
        v.string(),
        v.regex(
          SSM_PARAMETER,
          "must be an SSM parameter name like /session-roles/prod/supertokens-api-key (or its ARN)",
        ),
      ),
    ),
    LOG_LEVEL: v.optional(
      caseFolded(
        (value) => value.trim().toUpperCase(),
        LOG_LEVELS,
        `must be one of ${LOG_LEVELS.join(", ")}`,
      ),
      DEFAULTS.LOG_LEVEL,
    ),
    JWT_AUDIENCE: v.optional(
      v.pipe(
        v.string(),
        v.regex(JWT_AUDIENCE, "must be an audience like session-roles or https://api.example.com"),
      ),
      DEFAULTS.JWT_AUDIENCE,
    ),
    ROLE_PERMISSIONS_MAX_AGE_SECONDS: v.optional(seconds(3600), DEFAULTS.ROLE_PERMISSIONS_MAX_AGE_SECONDS),
    SESSION_FANOUT: v.optional(v.picklist(FAN_OUT_VALUES, "must be on or off"), DEFAULTS.SESSION_FANOUT),
  });
}

/** The values deployments write, read without the schema (src/config/parse.ts). */
const QUICK_VARIABLES: QuickVariables<ReturnType<typeof environmentSchema>> = {
  SUPERTOKENS_CONNECTION_URI: { default: DEFAULT_CONNECTION_URI, read: quickHttpUrl },
  SUPERTOKENS_API_KEY: { read: (value) => value },
  API_DOMAIN: { default: DEFAULTS.API_DOMAIN, read: quickHttpUrl },
  API_BASE_PATH: { default: DEFAULTS.API_BASE_PATH, read: quickMatching(URL_PATH) },
  API_GATEWAY_PATH: { default: DEFAULTS.API_GATEWAY_PATH, read: quickMatching(URL_PATH) },
  WEBSITE_DOMAIN: { default: DEFAULTS.WEBSITE_DOMAIN, read: quickHttpUrl },
  ROLE_PRECEDENCE: { default: DEFAULTS.ROLE_PRECEDENCE, read: roleListOf },
  ADMIN_ROLE: { default: DEFAULTS.ADMIN_ROLE, read: quickMatching(ROLE_NAME) },
  DEFAULT_ROLE: { default: DEFAULTS.DEFAULT_ROLE, read: quickMatching(ROLE_NAME) },
  CORE_TIMEOUT_MS: { default: String(DEFAULT_CORE_TIMEOUT_MS), read: quickWholeNumber(1, 60_000) },
  ANTI_CSRF: { default: DEFAULTS.ANTI_CSRF, read: quickOneOf(ANTI_CSRF_MODES) },
  COOKIE_SAME_SITE: { read: quickOneOf(SAME_SITE_VALUES) },
  SUPERTOKENS_API_KEY_PARAMETER: { read: quickMatching(SSM_PARAMETER) },
  LOG_LEVEL: { default: DEFAULTS.LOG_LEVEL, read: quickOneOf(LOG_LEVELS) },
  JWT_AUDIENCE: { default: DEFAULTS.JWT_AUDIENCE, read: quickMatching(JWT_AUDIENCE) },
  ROLE_PERMISSIONS_MAX_AGE_SECONDS: {
    default: DEFAULTS.ROLE_PERMISSIONS_MAX_AGE_SECONDS,
    read: quickWholeNumber(0, 3600),
  },
  SESSION_FANOUT: { default: DEFAULTS.SESSION_FANOUT, read: quickOneOf(FAN_OUT_VALUES) },
};

/** The core config's schema and quick reading, for the differential test (test/unit/config-quick.test.ts). */
export const CORE_ENVIRONMENT = {
  schema: environmentSchema,
  quick: QUICK_VARIABLES,
  secret: SECRET_VARIABLES,
};

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
  const out = parseEnvironment(environmentSchema, env, SECRET_VARIABLES, QUICK_VARIABLES);
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
