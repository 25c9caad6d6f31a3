// Account linking as the real core answers when the feature is not enabled: nobody is a primary user.
import type { ResponseOf } from "../cdi.ts";
import { badRequest, HttpError } from "../errors.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { queryParam } from "../validate.ts";
import { findUser } from "./users.ts";

const NOT_ENABLED =
  "Account linking feature is not enabled for this app. Please contact support to enable it.";

function requireUser(ctx: RequestContext, userId: string): void {
  if (findUser(ctx.app, userId) === undefined) throw badRequest("Unknown user ID provided");
}

function canCreatePrimary(
  ctx: RequestContext,
): ResponseOf<"/recipe/accountlinking/user/primary/check", "get"> {
  requireUser(ctx, queryParam(ctx.query, "recipeUserId"));
  return { status: "OK", wasAlreadyAPrimaryUser: false };
}

function canLink(ctx: RequestContext): ResponseOf<"/recipe/accountlinking/user/link/check", "get"> {
  requireUser(ctx, queryParam(ctx.query, "recipeUserId"));
  requireUser(ctx, queryParam(ctx.query, "primaryUserId"));
  return { status: "INPUT_USER_IS_NOT_A_PRIMARY_USER" };
}

const notEnabled = (): never => {
  throw new HttpError(402, NOT_ENABLED);
};

export const accountLinkingRoutes: Route[] = [
  route("/recipe/accountlinking/user/primary/check", "get", canCreatePrimary),
  route("/recipe/accountlinking/user/link/check", "get", canLink),
  route("/recipe/accountlinking/user/primary", "post", notEnabled),
  route("/recipe/accountlinking/user/link", "post", notEnabled),
];
