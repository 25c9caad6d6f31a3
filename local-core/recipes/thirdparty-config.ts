// Per-tenant third-party provider configs; listed in the tenant's `thirdParty.providers`.
import * as v from "valibot";
import type { CdiThirdPartyProvider, ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { TenantRow } from "../state.ts";
import { optionalBoolean, optionalString, parseBody } from "../validate.ts";

const Client = v.looseObject({ clientId: v.string(), clientType: optionalString });
// Loose: every other provider field (endpoints, params, userInfoMap, ...) is kept as sent.
const Provider = v.looseObject({
  thirdPartyId: v.string(),
  name: optionalString,
  clients: v.optional(v.array(Client)),
});
const PutBody = v.object({ config: Provider, skipValidation: optionalBoolean });

const invalidConfig = (reason: string) => badRequest(`Invalid third party config: ${reason}`);

/** The core's checks common to all providers (the provider-specific ones are not modelled). */
function validateClients(clients: v.InferOutput<typeof Client>[]): void {
  if (clients.some((c) => c.clientId.trim() === ""))
    throw invalidConfig("clientId cannot be an empty string");
  if (clients.length < 2) return;
  const types = clients.map((c) => c.clientType);
  if (types.some((t) => t === undefined || t === ""))
    throw invalidConfig("clientType should be specified when there are multiple clients");
  if (new Set(types).size !== types.length) throw invalidConfig("clientType should be unique");
}

const tenantOf = (ctx: RequestContext): TenantRow => {
  const tenant = ctx.app.tenants.get(ctx.tenantId);
  // The server answers unknown tenants before any handler runs.
  if (tenant === undefined) throw new Error(`tenant ${ctx.tenantId} vanished`);
  return tenant;
};

function putConfig(
  ctx: RequestContext,
): ResponseOf<"/<tenantId>/recipe/multitenancy/config/thirdparty", "put"> {
  const body = parseBody(PutBody, ctx.body);
  const thirdPartyId = body.config.thirdPartyId.trim();
  if (thirdPartyId === "") throw invalidConfig("thirdPartyId cannot be an empty string");
  if (body.skipValidation !== true) validateClients(body.config.clients ?? []);
  const provider = { ...body.config, thirdPartyId } as CdiThirdPartyProvider;
  const tenant = tenantOf(ctx);
  const index = tenant.thirdPartyProviders.findIndex((p) => p.thirdPartyId === thirdPartyId);
  // An existing config for the id is replaced as a whole, in place.
  if (index === -1) tenant.thirdPartyProviders.push(provider);
  else tenant.thirdPartyProviders[index] = provider;
  ctx.store.changed();
  return { status: "OK", createdNew: index === -1 };
}

function removeConfig(
  ctx: RequestContext,
): ResponseOf<"/<tenantId>/recipe/multitenancy/config/thirdparty/remove", "post"> {
  const thirdPartyId = parseBody(v.object({ thirdPartyId: v.string() }), ctx.body).thirdPartyId.trim();
  const tenant = tenantOf(ctx);
  const before = tenant.thirdPartyProviders.length;
  tenant.thirdPartyProviders = tenant.thirdPartyProviders.filter((p) => p.thirdPartyId !== thirdPartyId);
  const didConfigExist = tenant.thirdPartyProviders.length !== before;
  if (didConfigExist) ctx.store.changed();
  return { status: "OK", didConfigExist };
}

export const thirdPartyConfigRoutes: Route[] = [
  route("/<tenantId>/recipe/multitenancy/config/thirdparty", "put", putConfig),
  route("/<tenantId>/recipe/multitenancy/config/thirdparty/remove", "post", removeConfig),
];
