/**
 * Which of an authorizer's per-route requirements apply to a request. Routes are written as the API
 * declares them — `GET /reports/{id}`, `/files/{proxy+}`, or a path alone for every method — and are
 * matched against every spelling API Gateway may send to the same resource: the declared route when
 * the event names it, and the request path with repeated or trailing slashes and percent-encoding
 * undone. When several routes match, all their requirements apply. A path that cannot be read safely
 * (a `.` or `..` segment, a backslash, broken percent-encoding) decides nothing: it is denied.
 */
import type { AuthorizerRoute } from "../http/adapters/authorizer.ts";
import type { RoleRequirements } from "./guards.ts";

interface CompiledRoute {
  method: string | undefined;
  segments: string[];
  requirements: RoleRequirements;
}

/** `undefined`: the path is one no route can be decided for. */
type Decided = RoleRequirements | undefined;

const GREEDY = /^\{[^{}]+\+\}$/;
const SINGLE = /^\{[^{}]+\}$/;

function splitRoute(key: string): { method: string | undefined; path: string } {
  const space = key.indexOf(" ");
  if (space < 0) return { method: undefined, path: key };
  const method = key.slice(0, space).toUpperCase();
  return { method: method === "ANY" ? undefined : method, path: key.slice(space + 1) };
}

/** Path segments without empty ones: `/a//b/` and `/a/b` are one resource to API Gateway. */
const segmentsOf = (path: string) => path.split("/").filter((segment) => segment !== "");

export function compileRoutes(routes: Record<string, RoleRequirements>): CompiledRoute[] {
  return Object.entries(routes).map(([key, requirements]) => {
    const { method, path } = splitRoute(key.trim());
    return { method, segments: segmentsOf(path), requirements };
  });
}

function matches(route: CompiledRoute, segments: readonly string[]): boolean {
  for (let i = 0; i < route.segments.length; i++) {
    const pattern = route.segments[i]!;
    if (GREEDY.test(pattern)) return i === route.segments.length - 1 && segments.length > i;
    const segment = segments[i];
    if (segment === undefined) return false;
    if (!SINGLE.test(pattern) && pattern !== segment) return false;
  }
  return segments.length === route.segments.length;
}

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
