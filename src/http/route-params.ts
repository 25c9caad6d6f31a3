import { BadRequestError } from "./model.ts";

/**
 * Path parameters (`request.params`), the same on every platform shape. API Gateway names them in the
 * event (`pathParameters`); ALB, Function URLs and Netlify do not, so the path is matched against the
 * function's own route (`config.path`), which its bundle declares here at load (scripts/bundler/bundle.ts).
 *
 * Route syntax: `:id` (Netlify's, the one `config.path` uses), `{id}` and `{name+}` (API Gateway's),
 * and a trailing `*` / `{proxy+}`, whose rest of the path is `params["*"]`.
 */
export type PathParams = Record<string, string>;

/** The parameter names a route declares, as a type: `PathParamsOf<"/items/:id">` is `{ id: string }`. */
export type PathParamsOf<Path extends string> = string extends Path
  ? PathParams
  : { [Name in ParamNames<Path>]: string };

type ParamNames<Path extends string> = Path extends `${infer Head}/${infer Rest}`
  ? SegmentName<Head> | ParamNames<Rest>
  : SegmentName<Path>;

type SegmentName<Segment extends string> = Segment extends `:${infer Name}`
  ? Name
  : Segment extends "*" | "{proxy+}"
    ? "*"
    : Segment extends `{${infer Name}+}`
      ? Name
      : Segment extends `{${infer Name}}`
        ? Name
        : never;

interface CompiledRoute {
  pattern: RegExp;
  names: string[];
}

/** The name API Gateway gives the rest of the path; it reaches handlers as `*`, as a Netlify route's. */
const GREEDY_PROXY = "proxy";

/** A route as a regular expression over the (still percent-encoded) path; undefined for no route. */
export function compileRoute(route: string): CompiledRoute | undefined {
  if (!route.startsWith("/")) return undefined;
  const names: string[] = [];
  const segments = route.split("/").slice(1);
  let source = "";
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    const named = /^:(\w+)$/.exec(segment) ?? /^\{(\w+)\}$/.exec(segment);
    const greedy = segment === "*" ? ["*", "*"] : /^\{(\w+)\+\}$/.exec(segment);
    if (named?.[1]) {
      names.push(named[1]);
      source += "/([^/]+)";
    } else if (greedy?.[1] && last) {
      names.push(greedy[1] === GREEDY_PROXY ? "*" : greedy[1]);
      source += "/(.+)";
    } else if (/^[\w\-.~]*$/.test(segment)) source += `/${segment.replace(/\./g, "\\.")}`;
    else return undefined;
  }
  return { pattern: new RegExp(`^${source || "/"}/?$`), names };
}

function decodeParam(name: string, value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    throw new BadRequestError(`path parameter ${name.slice(0, 40)} is malformed`);
  }
}

/** The decoded parameters of `path` under `route`, or undefined when the path is not that route's. */
export function matchRoute(route: CompiledRoute, path: string): PathParams | undefined {
  const match = route.pattern.exec(path);
  if (!match) return undefined;
  const params: PathParams = Object.create(null);
  route.names.forEach((name, index) => {
    params[name] = decodeParam(name, match[index + 1] ?? "");
  });
  return params;
}

let declared: CompiledRoute[] = [];

/**
 * The routes of the function this process serves (its `config.path`: one path or a list). Called by
 * the function's bundle at load; a route the matcher cannot read is left out (no parameters from it).
 */
export function declareRoutes(paths: unknown): void {
  const list = Array.isArray(paths) ? paths : paths === undefined ? [] : [paths];
  declared = list.flatMap((path) => {
    const route = typeof path === "string" ? compileRoute(path) : undefined;
    return route ? [route] : [];
  });
}

/**
 * `request.params`: API Gateway's `pathParameters` (percent-encoded as it sends them) decoded, else
 * the path matched against the declared routes, else none.
 */
export function pathParamsOf(path: string, fromPlatform?: unknown): PathParams {
  if (typeof fromPlatform === "object" && fromPlatform !== null) {
    const params: PathParams = Object.create(null);
    for (const [name, value] of Object.entries(fromPlatform)) {
      if (typeof value !== "string") throw new BadRequestError("event path parameters are malformed");
      params[name === GREEDY_PROXY ? "*" : name] = decodeParam(name, value);
    }
    return params;
  }
  for (const route of declared) {
    const params = matchRoute(route, path);
    if (params) return params;
  }
  return Object.create(null);
}
