// EmailVerification recipe: verification tokens and the verified flag per (user, email).
import { randomBytes } from "node:crypto";
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { sha256 } from "../hash.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import { parseBody, queryParam } from "../validate.ts";
import { isEmailVerified, isEmailVerifiedAsGiven, normaliseEmail, setEmailVerified } from "./users.ts";

const UserEmail = v.object({ userId: v.string(), email: v.string() });

function createToken(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/user/email/verify/token", "post"> {
  const body = parseBody(UserEmail, ctx.body);
  if (isEmailVerified(ctx.app, body.userId, body.email)) return { status: "EMAIL_ALREADY_VERIFIED_ERROR" };
  const token = randomBytes(48).toString("base64url");
  ctx.app.emailVerificationTokens.set(sha256(token), {
    userId: body.userId,
    email: normaliseEmail(body.email),
    tenantId: ctx.tenantId,
    expiry: Date.now() + ctx.config.emailVerificationTokenLifetimeMs,
  });
  ctx.store.changed();
  return { status: "OK", token };
}

function verify(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/user/email/verify", "post"> {
  const body = parseBody(v.object({ method: v.string(), token: v.string() }), ctx.body);
  if (body.method !== "token") throw badRequest("Unsupported method for email verification");
  const hash = sha256(body.token);
  const row = ctx.app.emailVerificationTokens.get(hash);
  if (row === undefined || row.tenantId !== ctx.tenantId)
    return { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" };
  for (const [h, r] of [...ctx.app.emailVerificationTokens]) {
    if (r.userId === row.userId && r.email === row.email) ctx.app.emailVerificationTokens.delete(h);
  }
  ctx.store.changed();
  if (row.expiry < Date.now()) return { status: "EMAIL_VERIFICATION_INVALID_TOKEN_ERROR" };
  setEmailVerified(ctx.app, row.userId, row.email, true);
  return { status: "OK", userId: row.userId, email: row.email };
}

function isVerified(ctx: RequestContext): ResponseOf<"/recipe/user/email/verify", "get"> {
  const userId = queryParam(ctx.query, "userId");
  const email = queryParam(ctx.query, "email");
  return { status: "OK", isVerified: isEmailVerifiedAsGiven(ctx.app, userId, email) };
}

function unverify(ctx: RequestContext): ResponseOf<"/recipe/user/email/verify/remove", "post"> {
  const body = parseBody(UserEmail, ctx.body);
  setEmailVerified(ctx.app, body.userId, body.email, false);
  ctx.store.changed();
  return { status: "OK" };
}

function removeTokens(
  ctx: RequestContext,
): ResponseOf<"/<tenantId>/recipe/user/email/verify/token/remove", "post"> {
  const body = parseBody(UserEmail, ctx.body);
  const email = normaliseEmail(body.email);
  for (const [h, r] of [...ctx.app.emailVerificationTokens]) {
    if (r.userId === body.userId && r.email === email && r.tenantId === ctx.tenantId) {
      ctx.app.emailVerificationTokens.delete(h);
    }
  }
  ctx.store.changed();
  return { status: "OK" };
}

export const emailVerificationRoutes: Route[] = [
  route("/<tenantId>/recipe/user/email/verify/token", "post", createToken),
  route("/<tenantId>/recipe/user/email/verify", "post", verify),
  route("/recipe/user/email/verify", "get", isVerified),
  route("/recipe/user/email/verify/remove", "post", unverify),
  route("/<tenantId>/recipe/user/email/verify/token/remove", "post", removeTokens),
];
