// ThirdParty recipe: sign in/up by (thirdPartyId, thirdPartyUserId), keeping the provider's email current.
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { AppState, UserRow } from "../state.ts";
import { optionalBoolean, parseBody } from "../validate.ts";
import { addUser, normaliseEmail, setEmailVerified, signInUpAnswer, usersInTenant } from "./users.ts";

const SignInUpBody = v.object({
  thirdPartyId: v.string(),
  thirdPartyUserId: v.string(),
  email: v.object({ id: v.string(), isVerified: optionalBoolean }),
});

export function thirdPartyUser(
  app: AppState,
  tenantId: string,
  thirdPartyId: string,
  thirdPartyUserId: string,
): UserRow | undefined {
  return usersInTenant(app, tenantId).find(
    (u) =>
      u.loginMethod.recipeId === "thirdparty" &&
      u.loginMethod.thirdParty.id === thirdPartyId &&
      u.loginMethod.thirdParty.userId === thirdPartyUserId,
  );
}

function signInUp(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup", "post"> {
  const body = parseBody(SignInUpBody, ctx.body);
  const email = normaliseEmail(body.email.id);
  const existing = thirdPartyUser(ctx.app, ctx.tenantId, body.thirdPartyId, body.thirdPartyUserId);
  const user =
    existing ??
    addUser(ctx.app, ctx.tenantId, {
      recipeId: "thirdparty",
      email,
      thirdParty: { id: body.thirdPartyId, userId: body.thirdPartyUserId },
    });
  // A returning user's provider may report a new email; the login method follows it.
  if (user.loginMethod.recipeId === "thirdparty") user.loginMethod.email = email;
  // The provider vouches for the email only when it says so; never un-verify here.
  if (body.email.isVerified === true) setEmailVerified(ctx.app, user.id, email, true);
  ctx.store.changed();
  return signInUpAnswer(ctx.app, user, existing === undefined);
}

export const thirdPartyRoutes: Route[] = [route("/<tenantId>/recipe/signinup", "post", signInUp)];
