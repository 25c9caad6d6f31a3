// Users across recipes: CDI user objects, lookup, listing, deletion.
import { randomUUID } from "node:crypto";
import * as v from "valibot";
import type { CdiUser, ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { extraRoute, type RequestContext, type Route, route } from "../router.ts";
import {
  type AppState,
  bucket,
  type EmailPasswordLogin,
  type LoginMethodRow,
  type UserRow,
} from "../state.ts";
import { optionalBoolean, parseBody, queryParam } from "../validate.ts";
import { deleteSessionsOfUser } from "./session.ts";
import { searchFilter } from "./user-search.ts";

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

const verifiedKey = (userId: string, email: string): string => `${userId}\u0000${email}`;

export function isEmailVerified(app: AppState, userId: string, email: string): boolean {
  return app.verifiedEmails.has(verifiedKey(userId, normaliseEmail(email)));
}

/** As the real core's GET /recipe/user/email/verify reads it: the email exactly as given, not normalised. */
export function isEmailVerifiedAsGiven(app: AppState, userId: string, email: string): boolean {
  return app.verifiedEmails.has(verifiedKey(userId, email));
}

export function setEmailVerified(app: AppState, userId: string, email: string, verified: boolean): void {
  const key = verifiedKey(userId, normaliseEmail(email));
  if (verified) app.verifiedEmails.add(key);
  else app.verifiedEmails.delete(key);
}

/**
 * Verification is tracked per email; a passwordless phone-only login method counts as verified,
 * as in the real core, since consuming a code proved the number.
 */
function isVerified(app: AppState, userId: string, lm: LoginMethodRow): boolean {
  if (lm.email !== undefined) return isEmailVerified(app, userId, lm.email);
  return lm.recipeId === "passwordless";
}

/** What a sign-in-or-up answers, for every recipe that has one: the user and whether it is new. */
export function signInUpAnswer(app: AppState, user: UserRow, createdNewUser: boolean) {
  return { status: "OK" as const, createdNewUser, user: userJson(app, user), recipeUserId: user.id };
}

export function userJson(app: AppState, user: UserRow): CdiUser {
  const lm = user.loginMethod;
  const thirdParty = lm.recipeId === "thirdparty" ? { ...lm.thirdParty } : undefined;
  return {
    id: user.id,
    isPrimaryUser: false,
    tenantIds: [...lm.tenantIds],
    timeJoined: user.timeJoined,
    emails: lm.email === undefined ? [] : [lm.email],
    phoneNumbers: lm.recipeId === "passwordless" && lm.phoneNumber !== undefined ? [lm.phoneNumber] : [],
    thirdParty: thirdParty === undefined ? [] : [thirdParty],
    webauthn: { credentialIds: [] },
    loginMethods: [
      {
        tenantIds: [...lm.tenantIds],
        recipeUserId: lm.recipeUserId,
        verified: isVerified(app, user.id, lm),
        timeJoined: lm.timeJoined,
        recipeId: lm.recipeId,
        ...(lm.email === undefined ? {} : { email: lm.email }),
        ...(lm.recipeId === "passwordless" && lm.phoneNumber !== undefined
          ? { phoneNumber: lm.phoneNumber }
          : {}),
        ...(thirdParty === undefined ? {} : { thirdParty }),
      },
    ],
  };
}

/** Stores a new (non-linked) user whose id is also its recipe user id. */
export function addUser(
  app: AppState,
  tenantId: string,
  login: DistributiveOmit<LoginMethodRow, "recipeUserId" | "tenantIds" | "timeJoined">,
): UserRow {
  const id = randomUUID();
  const now = Date.now();
  const loginMethod = {
    ...login,
    recipeUserId: id,
    tenantIds: [tenantId],
    timeJoined: now,
  } as LoginMethodRow;
  const user: UserRow = { id, timeJoined: now, loginMethod };
  app.users.set(id, user);
  if (loginMethod.recipeId === "emailpassword") bucket(app.emailIndex, tenantId).set(loginMethod.email, id);
  return user;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const findUser = (app: AppState, userId: string): UserRow | undefined => app.users.get(userId);

/** The user's email/password login method, if it has one. */
export const emailPasswordLogin = (user: UserRow | undefined): EmailPasswordLogin | undefined =>
  user?.loginMethod.recipeId === "emailpassword" ? user.loginMethod : undefined;

function getUserById(ctx: RequestContext): ResponseOf<"/user/id", "get"> {
  const user = findUser(ctx.app, queryParam(ctx.query, "userId"));
  if (user === undefined) return { status: "UNKNOWN_USER_ID_ERROR" };
  return { status: "OK", user: userJson(ctx.app, user) };
}

export function usersInTenant(app: AppState, tenantId: string): UserRow[] {
  return [...app.users.values()].filter((u) => u.loginMethod.tenantIds.includes(tenantId));
}

function getUsersByAccountInfo(ctx: RequestContext): ResponseOf<"/<tenantId>/users/by-accountinfo", "get"> {
  const email = ctx.query.get("email");
  const phoneNumber = ctx.query.get("phoneNumber");
  const thirdPartyId = ctx.query.get("thirdPartyId");
  const thirdPartyUserId = ctx.query.get("thirdPartyUserId");
  const checks: ((lm: LoginMethodRow) => boolean)[] = [];
  if (email !== null) checks.push((lm) => lm.email === normaliseEmail(email));
  if (phoneNumber !== null)
    checks.push((lm) => lm.recipeId === "passwordless" && lm.phoneNumber === phoneNumber.trim());
  if (thirdPartyId !== null && thirdPartyUserId !== null)
    checks.push(
      (lm) =>
        lm.recipeId === "thirdparty" &&
        lm.thirdParty.id === thirdPartyId &&
        lm.thirdParty.userId === thirdPartyUserId,
    );
  if (checks.length === 0) return { status: "OK", users: [] };
  // Without the union every given piece of account info must match (users are not linked here).
  const union = ctx.query.get("doUnionOfAccountInfo") === "true";
  const users = usersInTenant(ctx.app, ctx.tenantId)
    .filter((u) => (union ? checks.some((c) => c(u.loginMethod)) : checks.every((c) => c(u.loginMethod))))
    .sort((a, b) => a.timeJoined - b.timeJoined);
  return { status: "OK", users: users.map((u) => userJson(ctx.app, u)) };
}

const decodeToken = (token: string): number => {
  const offset = Number(Buffer.from(token, "base64url").toString("utf8"));
  if (!Number.isInteger(offset) || offset < 0) throw badRequest("invalid pagination token");
  return offset;
};

// The recipe ids `includeRecipeIds` may name (the core's RECIPE_ID values for auth recipes).
const AUTH_RECIPES = new Set(["emailpassword", "thirdparty", "passwordless", "webauthn"]);

// CDI 5.4's schema wraps each entry as `{ user }`, but the real core (CDI >= 4.0) and
// supertokens-node (`new User(u)`) use bare user objects, so we follow them.
type UsersPage = Omit<ResponseOf<"/<tenantId>/users", "get">, "users"> & { users: CdiUser[] };

function listUsers(ctx: RequestContext): UsersPage {
  const filter = searchFilter(ctx.query);
  const limit = Number(ctx.query.get("limit") ?? 100);
  if (!Number.isInteger(limit)) throw badRequest("Field name 'limit' must be an int in the GET request");
  // Like the core, a search may ask for more than one page's maximum.
  if (limit > 500 && filter === undefined) throw badRequest("max limit allowed is 500");
  if (limit < 1) throw badRequest("limit must a positive integer with min value 1");
  const order = ctx.query.get("timeJoinedOrder") ?? "ASC";
  if (order !== "ASC" && order !== "DESC") throw badRequest("timeJoinedOrder can be either ASC OR DESC");
  const token = ctx.query.get("paginationToken");
  const offset = token === null ? 0 : decodeToken(token);
  const recipes = ctx.query
    .get("includeRecipeIds")
    ?.split(",")
    .map((r) => r.trim());
  for (const recipeId of recipes ?? [])
    if (!AUTH_RECIPES.has(recipeId)) throw badRequest(`Unknown recipe ID: ${recipeId}`);
  const sorted = usersInTenant(ctx.app, ctx.tenantId)
    .filter((u) => recipes === undefined || recipes.includes(u.loginMethod.recipeId))
    .filter((u) => filter === undefined || filter(u))
    .sort((a, b) => (a.timeJoined - b.timeJoined || a.id.localeCompare(b.id)) * (order === "ASC" ? 1 : -1));
  const page = sorted.slice(offset, offset + limit);
  const next =
    offset + limit < sorted.length ? Buffer.from(String(offset + limit)).toString("base64url") : undefined;
  return {
    status: "OK",
    users: page.map((u) => userJson(ctx.app, u)),
    ...(next === undefined ? {} : { nextPaginationToken: next }),
  };
}

function countUsers(ctx: RequestContext): ResponseOf<"/<tenantId>/users/count", "get"> {
  return { status: "OK", count: usersInTenant(ctx.app, ctx.tenantId).length };
}

/** Removes the user and everything hanging off it (sessions, roles, metadata, tokens). */
export function deleteUser(app: AppState, userId: string): void {
  const user = findUser(app, userId);
  if (user !== undefined) {
    const lm = user.loginMethod;
    if (lm.recipeId === "emailpassword")
      for (const tenantId of lm.tenantIds) app.emailIndex.get(tenantId)?.delete(lm.email);
    app.users.delete(userId);
  }
  deleteSessionsOfUser(app, userId);
  for (const byUser of app.userRoles.values()) byUser.delete(userId);
  app.metadata.delete(userId);
  for (const key of [...app.verifiedEmails])
    if (key.startsWith(`${userId}\u0000`)) app.verifiedEmails.delete(key);
  for (const [hash, row] of [...app.resetTokens]) if (row.userId === userId) app.resetTokens.delete(hash);
  // Like the real core's deleteEmailVerificationUserInfo: verified emails and outstanding tokens.
  for (const [hash, row] of [...app.emailVerificationTokens])
    if (row.userId === userId) app.emailVerificationTokens.delete(hash);
}

function removeUser(ctx: RequestContext): ResponseOf<"/user/remove", "post"> {
  const body = parseBody(
    v.object({ userId: v.string(), removeAllLinkedAccounts: optionalBoolean }),
    ctx.body,
  );
  deleteUser(ctx.app, body.userId);
  ctx.store.changed();
  return { status: "OK" };
}

export const userRoutes: Route[] = [
  route("/user/id", "get", getUserById),
  route("/<tenantId>/users/by-accountinfo", "get", getUsersByAccountInfo),
  // Typed as UsersPage above, not through route(): the CDI schema's shape is wrong here.
  extraRoute("GET", "/users", listUsers, { tenant: true }),
  route("/<tenantId>/users/count", "get", countUsers),
  route("/user/remove", "post", removeUser),
];
