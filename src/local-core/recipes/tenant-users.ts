// Moving a (recipe) user into or out of a tenant of its app.
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { bucket } from "../state.ts";
import { parseBody } from "../validate.ts";
import { findUser } from "./users.ts";

const Body = v.object({ recipeUserId: v.string() });

function associate(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/multitenancy/tenant/user", "post"> {
  const { recipeUserId } = parseBody(Body, ctx.body);
  const user = findUser(ctx.app, recipeUserId);
  if (user === undefined) return { status: "UNKNOWN_USER_ID_ERROR" };
  const lm = user.loginMethod;
  if (lm.tenantIds.includes(ctx.tenantId)) return { status: "OK", wasAlreadyAssociated: true };
  // Emails are unique per tenant, so another user's email there blocks the move.
  const index = bucket(ctx.app.emailIndex, ctx.tenantId);
  if (index[lm.email] !== undefined) return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
  lm.tenantIds.push(ctx.tenantId);
  index[lm.email] = user.id;
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
  delete ctx.app.emailIndex[ctx.tenantId]?.[lm.email];
  ctx.store.changed();
  return { status: "OK", wasAssociated: true };
}

export const tenantUserRoutes: Route[] = [
  route("/<tenantId>/recipe/multitenancy/tenant/user", "post", associate),
  route("/<tenantId>/recipe/multitenancy/tenant/user/remove", "post", disassociate),
];
