// EmailPassword recipe: sign up, sign in, password reset tokens, email/password update.
import { randomBytes } from "node:crypto";
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { sha256 } from "../hash.ts";
import { burnPasswordCheck, hashPassword, verifyPassword } from "../password.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { type AppState, bucket, type UserRow } from "../state.ts";
import { optionalString, parseBody } from "../validate.ts";
import { updatePasswordlessUser } from "./passwordless.ts";
import { addUser, emailPasswordLogin, findUser, normaliseEmail, userJson } from "./users.ts";

const Credentials = v.object({ email: v.string(), password: v.string() });

function userByEmail(app: AppState, tenantId: string, email: string): UserRow | undefined {
  const id = app.emailIndex.get(tenantId)?.get(email);
  return id === undefined ? undefined : findUser(app, id);
}

async function signUp(ctx: RequestContext): Promise<ResponseOf<"/<tenantId>/recipe/signup", "post">> {
  const body = parseBody(Credentials, ctx.body);
  const email = normaliseEmail(body.email);
  if (userByEmail(ctx.app, ctx.tenantId, email) !== undefined)
    return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
  const passwordHash = await hashPassword(body.password);
  // Re-check: another sign up for the same email may have finished while we hashed.
  if (userByEmail(ctx.app, ctx.tenantId, email) !== undefined)
    return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
  const user = addUser(ctx.app, ctx.tenantId, { recipeId: "emailpassword", email, passwordHash });
  ctx.store.changed();
  return { status: "OK", user: userJson(ctx.app, user), recipeUserId: user.id };
}

async function signIn(ctx: RequestContext): Promise<ResponseOf<"/<tenantId>/recipe/signin", "post">> {
  const body = parseBody(Credentials, ctx.body);
  const user = userByEmail(ctx.app, ctx.tenantId, normaliseEmail(body.email));
  const lm = emailPasswordLogin(user);
  if (user === undefined || lm === undefined) {
    await burnPasswordCheck(body.password);
    return { status: "WRONG_CREDENTIALS_ERROR" };
  }
  if (!(await verifyPassword(body.password, lm.passwordHash))) return { status: "WRONG_CREDENTIALS_ERROR" };
  return { status: "OK", user: userJson(ctx.app, user), recipeUserId: user.id };
}

async function createResetToken(
  ctx: RequestContext,
): Promise<ResponseOf<"/<tenantId>/recipe/user/password/reset/token", "post">> {
  const body = parseBody(v.object({ userId: v.string(), email: v.string() }), ctx.body);
  const user = findUser(ctx.app, body.userId);
  // Like the real core, the token is for a user id and an email, whatever the user's login methods
  // (supertokens-node's reset API may then add an email/password login method itself).
  if (user === undefined) return { status: "UNKNOWN_USER_ID_ERROR" };
  const token = randomBytes(48).toString("base64url");
  ctx.app.resetTokens.set(sha256(token), {
    userId: user.id,
    email: normaliseEmail(body.email),
    tenantId: ctx.tenantId,
    expiry: Date.now() + ctx.config.passwordResetTokenLifetimeMs,
  });
  ctx.store.changed();
  return { status: "OK", token };
}

function consumeResetToken(
  ctx: RequestContext,
): ResponseOf<"/<tenantId>/recipe/user/password/reset/token/consume", "post"> {
  // Other fields (the deprecated reset API's `method: "token"`) are ignored, as by the real core.
  const body = parseBody(v.object({ token: v.string() }), ctx.body);
  const row = ctx.app.resetTokens.get(sha256(body.token));
  if (row === undefined || row.tenantId !== ctx.tenantId)
    return { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" };
  // A consumed token invalidates every other outstanding token of the user.
  for (const [h, r] of [...ctx.app.resetTokens]) if (r.userId === row.userId) ctx.app.resetTokens.delete(h);
  ctx.store.changed();
  if (row.expiry < Date.now() || findUser(ctx.app, row.userId) === undefined) {
    return { status: "RESET_PASSWORD_INVALID_TOKEN_ERROR" };
  }
  return { status: "OK", userId: row.userId, email: row.email };
}

const UpdateBody = v.object({
  recipeUserId: v.string(),
  email: v.optional(v.nullable(v.string())),
  password: optionalString,
});

// The passwordless variant's answer is a superset of the email/password one.
type UpdateUserResponse = ResponseOf<"/<tenantId>/recipe/user\u2800\u2800", "put">;

async function updateUser(ctx: RequestContext): Promise<UpdateUserResponse> {
  const body = parseBody(UpdateBody, ctx.body);
  const user = findUser(ctx.app, body.recipeUserId);
  // PUT /recipe/user is shared by email/password and passwordless: the `rid` header picks the recipe,
  // as in the real core (without one, the user's recipe does).
  if ((ctx.rid ?? user?.loginMethod.recipeId) === "passwordless") {
    if (user?.loginMethod.recipeId !== "passwordless") return { status: "UNKNOWN_USER_ID_ERROR" };
    return updatePasswordlessUser(ctx, user);
  }
  // No email/password login method (a third-party or passwordless user): unknown to this recipe.
  const lm = emailPasswordLogin(user);
  if (user === undefined || lm === undefined) return { status: "UNKNOWN_USER_ID_ERROR" };
  if (typeof body.email === "string") {
    const email = normaliseEmail(body.email);
    if (email !== lm.email) {
      const taken = lm.tenantIds.some((t) => userByEmail(ctx.app, t, email) !== undefined);
      if (taken) return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
      for (const t of lm.tenantIds) {
        const index = bucket(ctx.app.emailIndex, t);
        index.delete(lm.email);
        index.set(email, user.id);
      }
      lm.email = email;
    }
  }
  if (body.password !== undefined) lm.passwordHash = await hashPassword(body.password);
  ctx.store.changed();
  return { status: "OK" };
}

export const emailPasswordRoutes: Route[] = [
  route("/<tenantId>/recipe/signup", "post", signUp),
  route("/<tenantId>/recipe/signin", "post", signIn),
  route("/<tenantId>/recipe/user/password/reset/token", "post", createResetToken),
  route("/<tenantId>/recipe/user/password/reset/token/consume", "post", consumeResetToken),
  // One PUT /recipe/user (app level, no tenant prefix) serves both recipes' CDI entries.
  { ...route("/<tenantId>/recipe/user\u2800\u2800", "put", updateUser), tenant: false },
];
