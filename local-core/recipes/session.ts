// Session recipe: create, verify, refresh (rotation + theft detection), regenerate, remove, data.
import { randomBytes, randomUUID } from "node:crypto";
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { sha256 } from "../hash.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { AppState, JsonObject, SessionRow } from "../state.ts";
import {
  jsonObject,
  optionalBoolean,
  optionalQueryBoolean,
  optionalString,
  parseBody,
  queryParam,
} from "../validate.ts";
import {
  type AccessTokenInfo,
  assertNoProtectedProps,
  mintAccessToken,
  protectedPropIn,
  readAccessToken,
  TryRefreshError,
  tokenVersionFor,
  verifyAccessToken,
} from "./access-token.ts";

/** The session, unless it is missing or past its refresh-token expiry (then it is dropped). */
export function liveSession(ctx: { app: AppState }, handle: string): SessionRow | undefined {
  const row = ctx.app.sessions.get(handle);
  if (row === undefined) return undefined;
  if (row.expiry < Date.now()) {
    deleteSession(ctx.app, handle);
    return undefined;
  }
  return row;
}

export function deleteSession(app: AppState, handle: string): boolean {
  const row = app.sessions.get(handle);
  if (row === undefined) return false;
  for (const hash2 of row.tokenHash2s) app.refreshTokens.delete(hash2);
  app.sessions.delete(handle);
  return true;
}

/** Drops every session of the user (any tenant); used when a user is deleted. */
export function deleteSessionsOfUser(app: AppState, userId: string): string[] {
  const removed = [...app.sessions.values()]
    .filter((s) => s.userId === userId || s.recipeUserId === userId)
    .map((s) => s.handle);
  for (const handle of removed) deleteSession(app, handle);
  return removed;
}

const lastSweep = new WeakMap<AppState, number>();

/** Drops expired sessions now and then, so sessions nobody touches again do not pile up. */
function sweepExpired(app: AppState): void {
  const now = Date.now();
  if ((lastSweep.get(app) ?? 0) > now - 60_000) return;
  lastSweep.set(app, now);
  for (const row of [...app.sessions.values()]) if (row.expiry < now) deleteSession(app, row.handle);
}

function mintRefreshToken(
  app: AppState,
  session: SessionRow,
  parentRefreshTokenHash1: string | null,
  antiCsrfToken: string | null,
): { token: string; hash1: string; hash2: string } {
  const token = randomBytes(48).toString("base64url");
  const hash1 = sha256(token);
  const hash2 = sha256(hash1);
  app.refreshTokens.set(hash2, { sessionHandle: session.handle, parentRefreshTokenHash1, antiCsrfToken });
  session.tokenHash2s.push(hash2);
  return { token, hash1, hash2 };
}

const sessionJson = (row: SessionRow, userDataInJWT: JsonObject) => ({
  handle: row.handle,
  userId: row.userId,
  recipeUserId: row.recipeUserId,
  userDataInJWT,
  tenantId: row.tenantId,
});

const useStatic = (ctx: RequestContext, useDynamicSigningKey: boolean | undefined): boolean =>
  useDynamicSigningKey === undefined ? !ctx.config.dynamicSigningKeyByDefault : !useDynamicSigningKey;

const CreateBody = v.object({
  userId: v.string(),
  userDataInJWT: jsonObject,
  userDataInDatabase: jsonObject,
  enableAntiCsrf: optionalBoolean,
  useDynamicSigningKey: optionalBoolean,
});

async function createSession(ctx: RequestContext): Promise<ResponseOf<"/<tenantId>/recipe/session", "post">> {
  const body = parseBody(CreateBody, ctx.body);
  sweepExpired(ctx.app);
  const version = tokenVersionFor(ctx.cdiVersion);
  assertNoProtectedProps(body.userDataInJWT, version);
  const now = Date.now();
  const user = ctx.app.users.get(body.userId);
  const row: SessionRow = {
    handle: randomUUID(),
    userId: user?.id ?? body.userId,
    recipeUserId: body.userId,
    tenantId: ctx.tenantId,
    userDataInJWT: body.userDataInJWT,
    userDataInDatabase: body.userDataInDatabase,
    refreshTokenHash2: "",
    expiry: now + ctx.config.refreshTokenValidityMs,
    timeCreated: now,
    useStaticKey: useStatic(ctx, body.useDynamicSigningKey),
    tokenHash2s: [],
  };
  const antiCsrfToken = body.enableAntiCsrf === true ? randomUUID() : null;
  const refresh = mintRefreshToken(ctx.app, row, null, antiCsrfToken);
  row.refreshTokenHash2 = refresh.hash2;
  const accessToken = await mintAccessToken(ctx.app, ctx.config, {
    version,
    sessionHandle: row.handle,
    userId: row.userId,
    recipeUserId: row.recipeUserId,
    tenantId: row.tenantId,
    refreshTokenHash1: refresh.hash1,
    parentRefreshTokenHash1: null,
    antiCsrfToken,
    userData: row.userDataInJWT,
    useStaticKey: row.useStaticKey,
  });
  ctx.app.sessions.set(row.handle, row);
  ctx.store.changed();
  return {
    status: "OK",
    session: sessionJson(row, row.userDataInJWT),
    accessToken,
    refreshToken: { token: refresh.token, expiry: row.expiry, createdTime: now },
    ...(antiCsrfToken === null ? {} : { antiCsrfToken }),
  };
}

const jsonEqual = (a: unknown, b: unknown): boolean => {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual((a as JsonObject)[k], (b as JsonObject)[k]));
};

const VerifyBody = v.object({
  accessToken: v.string(),
  antiCsrfToken: v.optional(v.nullable(v.string())),
  doAntiCsrfCheck: v.boolean(),
  enableAntiCsrf: optionalBoolean,
  checkDatabase: optionalBoolean,
});

async function verifySession(ctx: RequestContext): Promise<ResponseOf<"/recipe/session/verify", "post">> {
  const body = parseBody(VerifyBody, ctx.body);
  let info: AccessTokenInfo;
  try {
    info = verifyAccessToken(ctx, body.accessToken);
  } catch (error) {
    if (error instanceof TryRefreshError) return { status: "TRY_REFRESH_TOKEN", message: error.message };
    throw error;
  }
  const checkAntiCsrf = body.doAntiCsrfCheck && body.enableAntiCsrf === true;
  if (checkAntiCsrf && info.antiCsrfToken === null) {
    return {
      status: "TRY_REFRESH_TOKEN",
      message: "Access token does not contain all the information. Maybe the structure has changed?",
    };
  }
  if (checkAntiCsrf && (body.antiCsrfToken == null || body.antiCsrfToken !== info.antiCsrfToken)) {
    return { status: "TRY_REFRESH_TOKEN", message: "anti-csrf check failed" };
  }
  const tokenSession = {
    handle: info.sessionHandle,
    userId: info.userId,
    recipeUserId: info.recipeUserId,
    userDataInJWT: info.userData,
    tenantId: info.tenantId,
  };
  let row: SessionRow | undefined;
  if (body.checkDatabase === true) {
    row = liveSession(ctx, info.sessionHandle);
    if (row === undefined) {
      return { status: "UNAUTHORISED", message: "Either the session has ended or has been blacklisted" };
    }
  }
  const payloadStale = row !== undefined && !jsonEqual(info.userData, row.userDataInJWT);
  if (info.parentRefreshTokenHash1 === null && !payloadStale) return { status: "OK", session: tokenSession };

  row = liveSession(ctx, info.sessionHandle);
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session missing in db" };
  // First use of the child token proves the client got it: the child becomes the session's refresh token.
  const promote =
    info.parentRefreshTokenHash1 !== null && row.refreshTokenHash2 === sha256(info.parentRefreshTokenHash1);
  if (!promote && row.refreshTokenHash2 !== sha256(info.refreshTokenHash1) && !payloadStale) {
    return { status: "OK", session: tokenSession };
  }
  if (promote) {
    row.refreshTokenHash2 = sha256(info.refreshTokenHash1);
    row.expiry = Date.now() + ctx.config.refreshTokenValidityMs;
    ctx.store.changed();
  }
  const accessToken = await mintAccessToken(ctx.app, ctx.config, {
    ...info,
    parentRefreshTokenHash1: null,
    userData: row.userDataInJWT,
    useStaticKey: row.useStaticKey,
  });
  return { status: "OK", session: sessionJson(row, row.userDataInJWT), accessToken };
}

const RefreshBody = v.object({
  refreshToken: v.string(),
  antiCsrfToken: v.optional(v.nullable(v.string())),
  enableAntiCsrf: v.boolean(),
  useDynamicSigningKey: optionalBoolean,
});

type RefreshResponse = ResponseOf<"/recipe/session/refresh", "post">;

async function refreshSession(ctx: RequestContext): Promise<RefreshResponse> {
  const body = parseBody(RefreshBody, ctx.body);
  const hash1 = sha256(body.refreshToken);
  const hash2 = sha256(hash1);
  const tokenInfo = ctx.app.refreshTokens.get(hash2);
  if (tokenInfo === undefined) return { status: "UNAUTHORISED", message: "Invalid refresh token" };
  if (
    body.enableAntiCsrf &&
    tokenInfo.antiCsrfToken !== null &&
    tokenInfo.antiCsrfToken !== body.antiCsrfToken
  ) {
    return { status: "UNAUTHORISED", message: "Anti CSRF token missing, or not matching" };
  }
  const row = liveSession(ctx, tokenInfo.sessionHandle);
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session missing in db or has expired" };
  if (body.useDynamicSigningKey !== undefined) row.useStaticKey = !body.useDynamicSigningKey;

  if (row.refreshTokenHash2 !== hash2) {
    const isChildOfCurrent =
      tokenInfo.parentRefreshTokenHash1 !== null &&
      sha256(tokenInfo.parentRefreshTokenHash1) === row.refreshTokenHash2;
    if (!isChildOfCurrent) {
      // Only a superseded token can get here: someone else holds the newer one. The real core (CDI >= 5.6)
      // revokes on reuse; doing it for 5.4 too means the session is gone even if the SDK never reacts.
      deleteSession(ctx.app, row.handle);
      ctx.store.changed();
      return {
        status: "TOKEN_THEFT_DETECTED",
        session: { handle: row.handle, userId: row.userId, recipeUserId: row.recipeUserId },
      };
    }
    row.refreshTokenHash2 = hash2;
    row.expiry = Date.now() + ctx.config.refreshTokenValidityMs;
  }
  const version = tokenVersionFor(ctx.cdiVersion);
  // A legacy (v2) session may carry claims that the newer token version reserves; the core
  // refuses to refresh it rather than failing with a 400, so the SDK logs the user out.
  if (protectedPropIn(row.userDataInJWT, version)) {
    ctx.store.changed();
    return { status: "UNAUTHORISED", message: "The user payload contains protected field" };
  }
  // The presented token is current: mint a child; it replaces the parent only once it is used.
  const antiCsrfToken = body.enableAntiCsrf ? randomUUID() : null;
  const child = mintRefreshToken(ctx.app, row, hash1, antiCsrfToken);
  const now = Date.now();
  const accessToken = await mintAccessToken(ctx.app, ctx.config, {
    version,
    sessionHandle: row.handle,
    userId: row.userId,
    recipeUserId: row.recipeUserId,
    tenantId: row.tenantId,
    refreshTokenHash1: child.hash1,
    parentRefreshTokenHash1: hash1,
    antiCsrfToken,
    userData: row.userDataInJWT,
    useStaticKey: row.useStaticKey,
  });
  ctx.store.changed();
  return {
    status: "OK",
    session: sessionJson(row, row.userDataInJWT),
    accessToken,
    refreshToken: { token: child.token, expiry: row.expiry, createdTime: now },
    ...(antiCsrfToken === null ? {} : { antiCsrfToken }),
  };
}

const RegenerateBody = v.object({ accessToken: v.string(), userDataInJWT: v.optional(jsonObject) });

async function regenerateSession(
  ctx: RequestContext,
): Promise<ResponseOf<"/recipe/session/regenerate", "post">> {
  const body = parseBody(RegenerateBody, ctx.body);
  let info: AccessTokenInfo;
  try {
    info = readAccessToken(body.accessToken);
  } catch (error) {
    if (error instanceof TryRefreshError) return { status: "UNAUTHORISED", message: error.message };
    throw error;
  }
  const row = liveSession(ctx, info.sessionHandle);
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  const payload = body.userDataInJWT ?? row.userDataInJWT;
  assertNoProtectedProps(payload, info.version);
  row.userDataInJWT = payload;
  ctx.store.changed();
  const session = {
    handle: row.handle,
    userId: info.userId,
    recipeUserId: info.recipeUserId,
    userDataInJWT: payload,
    tenantId: info.tenantId,
  };
  // An expired token gets no replacement: the client has to refresh anyway.
  if (info.expiryTime < Date.now()) return { status: "OK", session };
  const accessToken = await mintAccessToken(ctx.app, ctx.config, {
    ...info,
    userData: payload,
    useStaticKey: row.useStaticKey,
    expiryTime: info.expiryTime,
  });
  return { status: "OK", session, accessToken };
}

function getSessionInfo(ctx: RequestContext): ResponseOf<"/recipe/session", "get"> {
  const row = liveSession(ctx, queryParam(ctx.query, "sessionHandle"));
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  return {
    status: "OK",
    sessionHandle: row.handle,
    userId: row.userId,
    recipeUserId: row.recipeUserId,
    userDataInDatabase: row.userDataInDatabase,
    userDataInJWT: row.userDataInJWT,
    expiry: row.expiry,
    timeCreated: row.timeCreated,
    tenantId: row.tenantId,
  };
}

function sessionsOfUser(ctx: RequestContext, userId: string, allTenants: boolean): SessionRow[] {
  const now = Date.now();
  return [...ctx.app.sessions.values()].filter(
    (s) =>
      s.expiry >= now &&
      (s.userId === userId || s.recipeUserId === userId) &&
      (allTenants || s.tenantId === ctx.tenantId),
  );
}

function getUserSessions(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/session/user", "get"> {
  const userId = queryParam(ctx.query, "userId");
  const all = optionalQueryBoolean(ctx.query, "fetchAcrossAllTenants");
  return { status: "OK", sessionHandles: sessionsOfUser(ctx, userId, all).map((s) => s.handle) };
}

const RemoveBody = v.object({
  userId: optionalString,
  sessionHandles: v.optional(v.array(v.string())),
  revokeAcrossAllTenants: optionalBoolean,
  revokeSessionsForLinkedAccounts: optionalBoolean,
});

function removeSessions(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/session/remove", "post"> {
  const body = parseBody(RemoveBody, ctx.body);
  let handles: string[];
  if (body.userId !== undefined) {
    handles = sessionsOfUser(ctx, body.userId, body.revokeAcrossAllTenants === true).map((s) => s.handle);
  } else if (body.sessionHandles !== undefined) {
    handles = body.sessionHandles.filter((h) => liveSession(ctx, h) !== undefined);
  } else {
    throw badRequest("Invalid JSON input - use one of userId or sessionHandles array");
  }
  for (const handle of handles) deleteSession(ctx.app, handle);
  if (handles.length > 0) ctx.store.changed();
  return { status: "OK", sessionHandlesRevoked: handles };
}

function getSessionData(ctx: RequestContext): ResponseOf<"/recipe/session/data", "get"> {
  const row = liveSession(ctx, queryParam(ctx.query, "sessionHandle"));
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  return { status: "OK", userDataInDatabase: row.userDataInDatabase };
}

const PutSessionData = v.object({ sessionHandle: v.string(), userDataInDatabase: jsonObject });

function putSessionData(ctx: RequestContext): ResponseOf<"/recipe/session/data", "put"> {
  const body = parseBody(PutSessionData, ctx.body);
  const row = liveSession(ctx, body.sessionHandle);
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  row.userDataInDatabase = body.userDataInDatabase;
  ctx.store.changed();
  return { status: "OK" };
}

const PutJwtData = v.object({ sessionHandle: v.string(), userDataInJWT: jsonObject });

function putJwtData(ctx: RequestContext): ResponseOf<"/recipe/jwt/data", "put"> {
  const body = parseBody(PutJwtData, ctx.body);
  const row = liveSession(ctx, body.sessionHandle);
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  assertNoProtectedProps(body.userDataInJWT, 5);
  row.userDataInJWT = body.userDataInJWT;
  ctx.store.changed();
  return { status: "OK" };
}

function getJwtData(ctx: RequestContext): ResponseOf<"/recipe/jwt/data", "get"> {
  const row = liveSession(ctx, queryParam(ctx.query, "sessionHandle"));
  if (row === undefined) return { status: "UNAUTHORISED", message: "Session does not exist." };
  return { status: "OK", userDataInJWT: row.userDataInJWT };
}

export const sessionRoutes: Route[] = [
  route("/<tenantId>/recipe/session", "post", createSession),
  route("/recipe/session", "get", getSessionInfo),
  route("/recipe/session/verify", "post", verifySession),
  route("/recipe/session/refresh", "post", refreshSession),
  route("/recipe/session/regenerate", "post", regenerateSession),
  route("/<tenantId>/recipe/session/remove", "post", removeSessions),
  route("/<tenantId>/recipe/session/user", "get", getUserSessions),
  route("/recipe/session/data", "get", getSessionData),
  route("/recipe/session/data", "put", putSessionData),
  route("/recipe/jwt/data", "put", putJwtData),
  route("/recipe/jwt/data", "get", getJwtData),
];
