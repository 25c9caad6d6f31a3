/**
 * Which of an authorizer's per-route requirements apply to a request. Routes are written as the API
 * declares them — `GET /reports/{id}`, `/files/{proxy+}`, or a path alone for every method — and are
 * matched against every spelling API Gateway may send to the same resource: the declared route when
 * the event names it, and the request path with repeated or trailing slashes and percent-encoding
 * undone. When several routes match, all their requirements apply. A path that cannot be read safely
 * (a `.` or `..` segment, a backslash, broken percent-encoding) decides nothing: it is denied.
 */
import { ConfigError } from "../config/parse.ts";
import type { AuthorizerRoute } from "../http/adapters/authorizer.ts";
import { ALLOWED_METHODS } from "../http/limits.ts";
import { compileRoute } from "../http/route-params.ts";
import type { RoleRequirements } from "./guards.ts";

interface CompiledRoute {
  method: string | undefined;
  /** The route's path as segments, for comparing with the route an event declares. */
  segments: string[];
  /** The route's path as the functions' routes are matched (src/http/route-params.ts). */
  pattern: RegExp;
  requirements: RoleRequirements;
}

/** `undefined`: the path is one no route can be decided for. */
type Decided = RoleRequirements | undefined;

function splitRoute(key: string): { method: string | undefined; path: string } {
  const space = key.indexOf(" ");
  if (space < 0) return { method: undefined, path: key };
  const method = key.slice(0, space).toUpperCase();
  return { method: method === "ANY" ? undefined : method, path: key.slice(space + 1) };
}

/** A route key's segment: literal text or `{name}`; the last one may also be `{name+}` (GREEDY). */
const API_GATEWAY_SEGMENT = /^(?:[\w\-.~]+|\{\w+\})$/;
const GREEDY = /^\{\w+\+\}$/;

/** Path segments without empty ones: `/a//b/` and `/a/b` are one resource to API Gateway. */
const segmentsOf = (path: string) => path.split("/").filter((segment) => segment !== "");

/**
 * The routes, read once; a key that is not `[METHOD|ANY ]/path` with `{name}` / a last `{name+}` is a
 * ConfigError at load: a route mistyped would otherwise match nothing and guard nothing.
 */
export function compileRoutes(routes: Record<string, RoleRequirements>): CompiledRoute[] {
  return Object.entries(routes).map(([key, requirements]) => {
    const { method, path } = splitRoute(key.trim());
    const segments = segmentsOf(path);
    // API Gateway's own syntax only: compileRoute also takes Netlify's `:name` and `*`, which API
    // Gateway would read as literal text.
    const apiGatewaySyntax = segments.every(
      (segment, at) =>
        API_GATEWAY_SEGMENT.test(segment) || (at === segments.length - 1 && GREEDY.test(segment)),
    );
    const compiled = apiGatewaySyntax ? compileRoute(`/${segments.join("/")}`) : undefined;
    const known = method === undefined || ALLOWED_METHODS.includes(method);
    if (!compiled || !known || !path.startsWith("/"))
      throw new ConfigError(
        `authorizer route "${key.slice(0, 100)}" is not [METHOD ]/path with {name} or a last {name+} segment`,
      );
    return { method, segments, pattern: compiled.pattern, requirements };
  });
}

const matches = (route: CompiledRoute, segments: readonly string[]) =>
  route.pattern.test(`/${segments.join("/")}`);

/** The spellings of the request path to match, or undefined when it cannot be read safely. */
function spellings(path: string): string[][] | undefined {
  const raw = segmentsOf(path);
  if (raw.some((segment) => segment === "." || segment === ".." || segment.includes("\\"))) return undefined;
  let decoded: string[];
  try {
    decoded = raw.map((segment) => decodeURIComponent(segment));
  } catch {
    return undefined;
  }
  // A decoded segment may not bring a separator or dot-segment back in.
  if (
    decoded.some(
      (segment) => segment.includes("/") || segment === "." || segment === ".." || segment.includes("\\"),
    )
  )
    return undefined;
  return [raw, decoded];
}

const union = (all: RoleRequirements[]): RoleRequirements => ({
  requireRoles: [...new Set(all.flatMap((need) => need.requireRoles ?? []))],
  requirePermissions: [...new Set(all.flatMap((need) => need.requirePermissions ?? []))],
});

/**
 * The requirements for this request: those of every route that matches it, else `fallback`. Undefined
 * when routes are configured and the path cannot be decided.
 */
export function requirementsOf(
  routes: readonly CompiledRoute[],
  request: AuthorizerRoute,
  fallback: RoleRequirements,
): Decided {
  if (routes.length === 0) return fallback;
  const method = request.method.toUpperCase();
  const forMethod = routes.filter((route) => route.method === undefined || route.method === method);
  const paths = spellings(request.path);
  if (paths === undefined) return undefined;
  const declared = request.declared === undefined ? undefined : splitRoute(request.declared);
  const matched = forMethod.filter(
    (route) =>
      paths.some((segments) => matches(route, segments)) ||
      (declared !== undefined &&
        route.segments.join("/") === segmentsOf(declared.path).join("/") &&
        (route.method === undefined || route.method === (declared.method ?? method))),
  );
  return matched.length === 0 ? fallback : union(matched.map((route) => route.requirements));
}
