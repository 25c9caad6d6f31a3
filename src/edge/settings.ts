/**
 * The edge gate's settings, from whatever the runtime offers: `Netlify.env.get` on Netlify, values baked
 * in at build time for Lambda@Edge (which has no environment), the demo server's environment.
 * Kept apart from src/config/ on purpose: the gate runs in Deno and Lambda@Edge, where there is no
 * process.env and src/config/'s Node-side readers (and valibot) would only add weight.
 */
import type { AntiCsrf } from "./access-token.ts";
import { parsedPath } from "./path.ts";

/** Paths under `prefix` (normalised as the gate reads paths) need `role`. */
export interface GateRule {
  prefix: string;
  role: string;
}

export interface GateSettings {
  /** `API_DOMAIN + API_BASE_PATH + /jwt/jwks.json`: the auth function's public key set. */
  keySetUrl: string;
  rules: GateRule[];
  /** Where a page request without a session goes, with `?redirectToPath=<where it was going>`. */
  signInPath: string;
  /** Where a page request with an expired token goes (a page that refreshes through the SDK), likewise. */
  refreshPath: string;
  antiCsrf: AntiCsrf;
}

/** The names the gate reads, with their defaults (the shipped example gates /admin/ with `admin`). */
export const GATE_DEFAULTS = {
  API_DOMAIN: "http://localhost:3000",
  API_BASE_PATH: "/auth",
  EDGE_GATE_RULES: "/admin/=admin",
  EDGE_SIGN_IN_PATH: "/",
  EDGE_REFRESH_PATH: "/refresh-session",
  ANTI_CSRF: "VIA_TOKEN",
} as const;

export type GateVariable = keyof typeof GATE_DEFAULTS;

const ROLE = /^[\w:.-]{1,100}$/;
const ANTI_CSRF_MODES = new Set<string>(["VIA_TOKEN", "VIA_CUSTOM_HEADER", "NONE"]);

class GateConfigError extends Error {
  constructor(message: string) {
    super(`edge gate config: ${message}`);
  }
}

/**
 * `"/admin/=admin;/paid/=subscriber"`: a path prefix and the role it needs, `;` between rules. Each
 * prefix is read as the gate reads a path (decoded, lower case, non-ASCII percent-encoded), so
 * `/Café/` matches what a browser sends for it.
 */
function parseRules(text: string): GateRule[] {
  const rules = text
    .split(";")
    .map((rule) => rule.trim())
    .filter(Boolean)
    .map((rule) => {
      const at = rule.lastIndexOf("=");
      const written = rule.slice(0, at).trim();
      const role = rule.slice(at + 1).trim();
      const prefix = written.startsWith("/") ? parsedPath(written) : undefined;
      if (at < 0 || prefix === undefined || !ROLE.test(role))
        throw new GateConfigError(`EDGE_GATE_RULES: "${rule}" is not <path prefix>=<role>`);
      return { prefix, role };
    });
  if (rules.length === 0) throw new GateConfigError("EDGE_GATE_RULES names no rule");
  return rules;
}

/** A path of this site to redirect to: not `//host` or `/\host` (browsers read both as another site), no query. */
function localPath(name: string, value: string): string {
  if (!value.startsWith("/") || /^\/[/\\]/.test(value) || /[\\?#]/.test(value))
    throw new GateConfigError(`${name} must be a path on this site (got "${value}")`);
  return value;
}

/** Settings from a lookup (missing or empty values take their defaults); a bad value throws one line. */
export function gateSettings(get: (name: GateVariable) => string | undefined): GateSettings {
  const read = (name: GateVariable) => get(name)?.trim() || GATE_DEFAULTS[name];
  const apiDomain = read("API_DOMAIN");
  let origin: string;
  try {
    const url = new URL(apiDomain);
    // The keys decide who is admitted: over plain http a network attacker could swap them. Only a
    // loopback host (the demo, tests) may use it.
    const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
    if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) throw new Error();
    origin = url.origin;
  } catch {
    throw new GateConfigError(
      `API_DOMAIN must be an https URL (http only for localhost) (got "${apiDomain}")`,
    );
  }
  const basePath = localPath("API_BASE_PATH", read("API_BASE_PATH")).replace(/\/+$/, "");
  const antiCsrf = read("ANTI_CSRF");
  if (!ANTI_CSRF_MODES.has(antiCsrf))
    throw new GateConfigError(`ANTI_CSRF is not a mode (got "${antiCsrf}")`);
  return {
    keySetUrl: `${origin}${basePath}/jwt/jwks.json`,
    rules: parseRules(read("EDGE_GATE_RULES")),
    signInPath: localPath("EDGE_SIGN_IN_PATH", read("EDGE_SIGN_IN_PATH")),
    refreshPath: localPath("EDGE_REFRESH_PATH", read("EDGE_REFRESH_PATH")),
    antiCsrf: antiCsrf as AntiCsrf,
  };
}
