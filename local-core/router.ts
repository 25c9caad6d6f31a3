// Route table keyed by CDI path, and resolution of `/appid-<app>/<tenant>/...` prefixes.
import type { CdiMethod, CdiPath, ResponseOf } from "./cdi.ts";
import type { CoreConfig } from "./config.ts";
import type { AppState } from "./state.ts";
import type { Store } from "./store.ts";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RequestContext {
  store: Store;
  app: AppState;
  config: CoreConfig;
  appId: string;
  tenantId: string;
  body: unknown;
  query: URLSearchParams;
  /** `cdi-version` header; undefined means the newest. */
  cdiVersion: string | undefined;
  /** `rid` header: which recipe's API a shared path (PUT /recipe/user) is meant for. */
  rid: string | undefined;
}

export interface Route {
  method: HttpMethod;
  path: string;
  /** The CDI allows a `/<tenantId>` prefix. */
  tenant: boolean;
  checkApiKey: boolean;
  handler: (ctx: RequestContext) => unknown;
}

export interface RouteOptions {
  checkApiKey?: boolean;
}

/** A route whose answer must match the CDI 5.4 type of `method cdiPath`. */
export function route<P extends CdiPath, M extends CdiMethod>(
  cdiPath: P,
  method: M,
  handler: (ctx: RequestContext) => ResponseOf<P, M> | Promise<ResponseOf<P, M>>,
  options: RouteOptions = {},
): Route {
  const raw = String(cdiPath).replace(/\u2800/g, "");
  const tenant = raw.startsWith("/<tenantId>/");
  const path = tenant ? raw.slice("/<tenantId>".length) : raw;
  return {
    method: method.toUpperCase() as HttpMethod,
    path: path === "" ? "/" : path,
    tenant,
    checkApiKey: options.checkApiKey ?? true,
    handler,
  };
}

/** A route the CDI does not describe (aliases, test hooks). */
export function extraRoute(
  method: HttpMethod,
  path: string,
  handler: (ctx: RequestContext) => unknown,
  options: RouteOptions & { tenant?: boolean } = {},
): Route {
  return { method, path, tenant: options.tenant ?? false, checkApiKey: options.checkApiKey ?? true, handler };
}

export type Resolution =
  | { kind: "route"; route: Route; appId: string; tenantId: string; explicitTenant: boolean }
  | { kind: "method-not-allowed" }
  | { kind: "not-found" };

const APP_SEGMENT = /^appid-([a-z0-9-]*)$/;

/** `/a/b///` -> `/a/b`, in one pass from the end (a regex here was quadratic in the slash count). */
export function trimTrailingSlashes(pathname: string): string {
  if (pathname.length <= 1) return pathname;
  let end = pathname.length;
  while (end > 0 && pathname.charCodeAt(end - 1) === 0x2f) end--;
  return pathname.slice(0, end);
}

export class Router {
  private readonly routes = new Map<string, Route>();
  private readonly paths = new Set<string>();

  constructor(routes: Route[]) {
    for (const r of routes) {
      this.routes.set(`${r.method} ${r.path}`, r);
      this.paths.add(r.path);
    }
  }

  resolve(method: string, pathname: string): Resolution {
    // The real core matches paths lowercased, so `/invalidTenantId/recipe/…` names tenant `invalidtenantid`
    // (an unknown tenant: 400), not an unknown endpoint (404).
    let path = trimTrailingSlashes(pathname).toLowerCase();
    let appId = "public";
    const first = path.split("/")[1] ?? "";
    const appMatch = APP_SEGMENT.exec(first);
    if (appMatch !== null) {
      appId = appMatch[1] === "" ? "public" : (appMatch[1] ?? "public");
      path = path.slice(first.length + 1) || "/";
    }
    const direct = this.routes.get(`${method} ${path}`);
    if (direct !== undefined)
      return { kind: "route", route: direct, appId, tenantId: "public", explicitTenant: false };
    const segments = path.split("/");
    const tenantId = segments[1] ?? "";
    if (tenantId !== "" && /^[a-z0-9-]+$/.test(tenantId)) {
      const rest = `/${segments.slice(2).join("/")}`;
      const tenantRoute = this.routes.get(`${method} ${rest}`);
      if (tenantRoute?.tenant === true) {
        return { kind: "route", route: tenantRoute, appId, tenantId, explicitTenant: true };
      }
      if (this.paths.has(rest) && rest !== "/") return { kind: "method-not-allowed" };
    }
    if (this.paths.has(path)) return { kind: "method-not-allowed" };
    return { kind: "not-found" };
  }
}
