/**
 * The role gate both edges run (Netlify Edge Functions, Lambda@Edge) and the demo server: a request under
 * a rule's prefix goes on only with a session whose token holds the rule's role. The answer is
 * runtime-neutral (status, headers, body); each edge turns it into its own response.
 *
 * Page or API: a GET or HEAD whose Accept header asks for `text/html` is a page (a browser navigating);
 * anything else is an API request (fetch, XHR, curl). Pages are redirected, APIs get SuperTokens' 401s.
 */
import { type TokenRequest, verifyAccessToken } from "./access-token.ts";
import { KeySet, KeySetUnavailableError } from "./key-set.ts";
import { normalisedPath } from "./path.ts";
import type { GateRule, GateSettings } from "./settings.ts";

export interface EdgeRequest extends TokenRequest {
  /** The path as the client sent it (percent-encoded), without the query. */
  path: string;
  /** The query with its `?`, or empty. */
  search: string;
}

export interface EdgeAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NO_STORE = { "cache-control": "no-store, private" };

/**
 * The rules the path falls under (a rule `/admin/` also covers `/admin`): every one of them, so a rule
 * nested in another (`/admin/billing/` in `/admin/`) adds its role. A path that does not decode falls
 * under every rule (fail closed). Prefixes are normalised like paths when the rules are read.
 */
export function rulesFor(path: string, rules: readonly GateRule[]): GateRule[] {
  const normal = normalisedPath(path);
  if (normal === undefined) return [...rules];
  return rules.filter(({ prefix }) => normal.startsWith(prefix) || `${normal}/` === prefix);
}

/** A CORS preflight: no credentials by design; the origin answers it (a 401 here would fail the real request). */
const isPreflight = (request: EdgeRequest) =>
  request.method === "OPTIONS" && request.header("access-control-request-method") !== undefined;

const isPage = (request: EdgeRequest) =>
  (request.method === "GET" || request.method === "HEAD") &&
  (request.header("accept") ?? "").includes("text/html");

const json = (status: number, body: unknown): EdgeAnswer => ({
  status,
  headers: { ...NO_STORE, "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify(body),
});

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

const page = (status: number, title: string, text: string): EdgeAnswer => ({
  status,
  headers: { ...NO_STORE, "content-type": "text/html; charset=utf-8" },
  body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
});

/** A redirect to a page of this site that comes back to `request`'s path afterwards. */
const redirect = (to: string, request: EdgeRequest): EdgeAnswer => ({
  status: 302,
  headers: {
    ...NO_STORE,
    location: `${to}?redirectToPath=${encodeURIComponent(request.path + request.search)}`,
  },
  body: "",
});

/** The roles the token holds: SuperTokens' `st-role` claim, or only `role` when it was left out for size. */
function rolesOf(payload: Record<string, unknown>): string[] {
  const claim = payload["st-role"] as { v?: unknown } | undefined;
  if (Array.isArray(claim?.v)) return claim.v.filter((role): role is string => typeof role === "string");
  const compacted = Array.isArray(payload.compacted) && payload.compacted.includes("st-role");
  return compacted && typeof payload.role === "string" ? [payload.role] : [];
}

/** The answer for a request, or undefined to let it go on to the origin unchanged. */
export async function gate(
  request: EdgeRequest,
  settings: GateSettings,
  keys: KeySet,
): Promise<EdgeAnswer | undefined> {
  const rules = rulesFor(request.path, settings.rules);
  if (rules.length === 0 || isPreflight(request)) return undefined;
  let verdict: Awaited<ReturnType<typeof verifyAccessToken>>;
  try {
    verdict = await verifyAccessToken(request, keys, settings.antiCsrf);
  } catch (error) {
    if (!(error instanceof KeySetUnavailableError)) throw error;
    return isPage(request)
      ? page(503, "Try again shortly", "The sign-in service could not be reached.")
      : json(503, { message: "signing keys unavailable" });
  }
  if (verdict.kind === "unauthorised")
    return isPage(request) ? redirect(settings.signInPath, request) : json(401, { message: "unauthorised" });
  if (verdict.kind === "try-refresh")
    return isPage(request)
      ? redirect(settings.refreshPath, request)
      : json(401, { message: "try refresh token" });
  const roles = rolesOf(verdict.payload);
  const missing = [...new Set(rules.map((rule) => rule.role))].filter((role) => !roles.includes(role));
  if (missing.length === 0) return undefined;
  return isPage(request)
    ? page(403, "Forbidden", `This page needs the role ${missing.map((role) => `"${role}"`).join(" and ")}.`)
    : json(403, {
        message: "invalid claim",
        claimValidationErrors: missing.map((role) => ({
          id: "st-role",
          reason: { message: "wrong value", expectedToInclude: role, actualValue: roles },
        })),
      });
}

/** What a gate that cannot run answers: never the origin's page. */
const gateFailure = (): EdgeAnswer => json(500, { message: "edge gate failed" });

/** One header of several values as one (CloudFront and Node split them): cookies joined by `; `. */
export const joinedHeader = (name: string, values: readonly string[]): string =>
  values.join(name === "cookie" ? "; " : ", ");

/**
 * The gate as each edge runs it: `settings` read at the first request, one key set for the runtime's
 * life, and any failure (a bad setting, a bug) logged and answered 500, never let through.
 */
export function gateRunner(
  settings: () => GateSettings,
): (request: EdgeRequest) => Promise<EdgeAnswer | undefined> {
  let ready: { settings: GateSettings; keys: KeySet } | undefined;
  return async (request) => {
    try {
      if (!ready) {
        const loaded = settings();
        ready = { settings: loaded, keys: new KeySet(loaded.keySetUrl) };
      }
      return await gate(request, ready.settings, ready.keys);
    } catch (error) {
      console.error(`edge gate: ${(error as Error)?.message ?? error}`);
      return gateFailure();
    }
  };
}
