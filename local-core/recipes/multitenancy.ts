// Apps (isolated namespaces with their own config, keys and data) and the tenants of an app.
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { badRequest, HttpError } from "../errors.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { TenantRow } from "../state.ts";
import { BASE_APP, newTenant } from "../store.ts";
import { jsonObject, parseBody } from "../validate.ts";

const ID = /^[a-z0-9-]+$/;

function requireBaseApp(ctx: RequestContext): void {
  if (ctx.appId !== BASE_APP || ctx.tenantId !== "public") {
    throw new HttpError(403, "Only the public tenantId and public appId is allowed to modify apps");
  }
}

const AppBody = v.looseObject({
  appId: v.string(),
  coreConfig: v.optional(jsonObject),
});

async function putApp(ctx: RequestContext): Promise<ResponseOf<"/recipe/multitenancy/app/v2", "put">> {
  requireBaseApp(ctx);
  const body = parseBody(AppBody, ctx.body);
  const appId = body.appId.trim().toLowerCase();
  if (!ID.test(appId)) throw badRequest("appId can only contain letters, numbers and hyphens");
  const createdNew = await ctx.store.putApp(appId, body.coreConfig ?? {});
  return { status: "OK", createdNew };
}

function removeApp(ctx: RequestContext): ResponseOf<"/recipe/multitenancy/app/remove", "post"> {
  requireBaseApp(ctx);
  const body = parseBody(v.object({ appId: v.string() }), ctx.body);
  const appId = body.appId.trim().toLowerCase();
  if (appId === BASE_APP)
    throw new HttpError(403, "Cannot delete the public app, use remove config API instead");
  return { status: "OK", didExist: ctx.store.removeApp(appId) };
}

function listApps(ctx: RequestContext): ResponseOf<"/recipe/multitenancy/app/list/v2", "get"> {
  requireBaseApp(ctx);
  return {
    status: "OK",
    apps: [...ctx.store.state.apps.values()].map((app) => ({
      appId: app.appId,
      tenants: [...app.tenants.values()].map(tenantConfig),
    })),
  };
}

function tenantConfig(t: TenantRow) {
  return {
    tenantId: t.tenantId,
    emailPassword: { enabled: true },
    thirdParty: { enabled: true, providers: t.thirdPartyProviders },
    passwordless: { enabled: true },
    ...(t.firstFactors === null ? {} : { firstFactors: t.firstFactors }),
    ...(t.requiredSecondaryFactors === null ? {} : { requiredSecondaryFactors: t.requiredSecondaryFactors }),
    coreConfig: t.coreConfig,
  };
}

function getTenant(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/multitenancy/tenant/v2", "get"> {
  const tenant = ctx.app.tenants.get(ctx.tenantId);
  if (tenant === undefined) return { status: "TENANT_NOT_FOUND_ERROR" };
  return { status: "OK", ...tenantConfig(tenant) };
}

function listTenants(ctx: RequestContext): ResponseOf<"/recipe/multitenancy/tenant/list/v2", "get"> {
  return { status: "OK", tenants: [...ctx.app.tenants.values()].map(tenantConfig) };
}

const TenantBody = v.looseObject({
  tenantId: v.string(),
  coreConfig: v.optional(jsonObject),
  firstFactors: v.optional(v.nullable(v.array(v.string()))),
  requiredSecondaryFactors: v.optional(v.nullable(v.array(v.string()))),
});

function putTenant(ctx: RequestContext): ResponseOf<"/recipe/multitenancy/tenant/v2", "put"> {
  const body = parseBody(TenantBody, ctx.body);
  const tenantId = body.tenantId.trim().toLowerCase();
  if (!ID.test(tenantId)) throw badRequest("tenantId can only contain letters, numbers and hyphens");
  const existing = ctx.app.tenants.get(tenantId);
  const row: TenantRow = existing ?? newTenant(tenantId);
  if (body.coreConfig !== undefined) row.coreConfig = { ...row.coreConfig, ...body.coreConfig };
  if (body.firstFactors !== undefined) row.firstFactors = body.firstFactors;
  if (body.requiredSecondaryFactors !== undefined)
    row.requiredSecondaryFactors = body.requiredSecondaryFactors;
  ctx.app.tenants.set(tenantId, row);
  ctx.store.changed();
  return { status: "OK", createdNew: existing === undefined };
}

function removeTenant(ctx: RequestContext): ResponseOf<"/recipe/multitenancy/tenant/remove", "post"> {
  const body = parseBody(v.object({ tenantId: v.string() }), ctx.body);
  if (body.tenantId === "public")
    throw new HttpError(403, "Cannot delete public tenant, use remove app API instead");
  const didExist = ctx.app.tenants.delete(body.tenantId);
  ctx.store.changed();
  return { status: "OK", didExist };
}

export const multitenancyRoutes: Route[] = [
  route("/recipe/multitenancy/app/v2", "put", putApp),
  route("/recipe/multitenancy/app", "put", putApp),
  route("/recipe/multitenancy/app/remove", "post", removeApp),
  route("/recipe/multitenancy/app/list/v2", "get", listApps),
  route("/<tenantId>/recipe/multitenancy/tenant/v2", "get", getTenant),
  route("/recipe/multitenancy/tenant/list/v2", "get", listTenants),
  route("/recipe/multitenancy/tenant/v2", "put", putTenant),
  route("/recipe/multitenancy/tenant/remove", "post", removeTenant),
];
