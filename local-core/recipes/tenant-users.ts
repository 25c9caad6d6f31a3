// Moving a (recipe) user into or out of a tenant of its app.
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { bucket } from "../state.ts";
import { parseBody } from "../validate.ts";
import { findUser, usersInTenant } from "./users.ts";

const Body = v.object({ recipeUserId: v.string() });

function associate(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/multitenancy/tenant/user", "post"> {
  const { recipeUserId } = parseBody(Body, ctx.body);
  const user = findUser(ctx.app, recipeUserId);
  if (user === undefined) return { status: "UNKNOWN_USER_ID_ERROR" };
  const lm = user.loginMethod;
  if (lm.tenantIds.includes(ctx.tenantId)) return { status: "OK", wasAlreadyAssociated: true };
  // Each recipe's sign-in identity is unique per tenant, so a clash there blocks the move.
  const others = usersInTenant(ctx.app, ctx.tenantId).map((u) => u.loginMethod);
  const index = bucket(ctx.app.emailIndex, ctx.tenantId);
  if (lm.recipeId === "emailpassword") {
    if (index.has(lm.email)) return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
    index.set(lm.email, user.id);
  } else if (lm.recipeId === "thirdparty") {
    const { id, userId } = lm.thirdParty;
    if (
      others.some(
        (o) => o.recipeId === "thirdparty" && o.thirdParty.id === id && o.thirdParty.userId === userId,
      )
    )
      return { status: "THIRD_PARTY_USER_ALREADY_EXISTS_ERROR" };
  } else {
    const pless = others.filter((o) => o.recipeId === "passwordless");
    if (lm.email !== undefined && pless.some((o) => o.email === lm.email))
      return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
    if (lm.phoneNumber !== undefined && pless.some((o) => o.phoneNumber === lm.phoneNumber))
      return { status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR" };
  }
  lm.tenantIds.push(ctx.tenantId);
  ctx.store.changed();
  return { status: "OK", wasAlreadyAssociated: false };
}

function disassociate(
  ctx: RequestContext,
): ResponseOf<"/<tenantId>/recipe/multitenancy/tenant/user/remove", "post"> {
  const { recipeUserId } = parseBody(Body, ctx.body);
  const user = findUser(ctx.app, recipeUserId);
  const lm = user?.loginMethod;
  if (lm === undefined || !lm.tenantIds.includes(ctx.tenantId)) return { status: "OK", wasAssociated: false };
  lm.tenantIds = lm.tenantIds.filter((t) => t !== ctx.tenantId);
  if (lm.recipeId === "emailpassword") ctx.app.emailIndex.get(ctx.tenantId)?.delete(lm.email);
  ctx.store.changed();
  return { status: "OK", wasAssociated: true };
}

export const tenantUserRoutes: Route[] = [
  route("/<tenantId>/recipe/multitenancy/tenant/user", "post", associate),
  route("/<tenantId>/recipe/multitenancy/tenant/user/remove", "post", disassociate),
];
