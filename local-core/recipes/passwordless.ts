// Passwordless recipe: one-time codes (user input code + magic link) per device, and sign in/up by consuming them.
import { randomBytes, randomInt, randomUUID } from "node:crypto";
import * as v from "valibot";
import type { ResponseOf } from "../cdi.ts";
import { badRequest } from "../errors.ts";
import { sha256 } from "../hash.ts";
import { extraRoute, type RequestContext, type Route, route } from "../router.ts";
import type { AppState, PasswordlessDeviceRow, PasswordlessLogin, UserRow } from "../state.ts";
import { optionalString, parseBody } from "../validate.ts";
import { addUser, normaliseEmail, setEmailVerified, signInUpAnswer, usersInTenant } from "./users.ts";

/** The device id is never stored: its hash doubles as the preAuthSessionId. */
const preAuthSessionIdOf = (deviceId: string): string => sha256(deviceId, "base64url");

const sixDigits = (): string => String(randomInt(0, 1_000_000)).padStart(6, "0");

type Contact = { email: string } | { phoneNumber: string };

function contactOf(row: { email?: string; phoneNumber?: string }): Contact {
  return row.email !== undefined ? { email: row.email } : { phoneNumber: row.phoneNumber ?? "" };
}

function passwordlessUser(app: AppState, tenantId: string, contact: Contact): UserRow | undefined {
  return usersInTenant(app, tenantId).find((u) => {
    const lm = u.loginMethod;
    if (lm.recipeId !== "passwordless") return false;
    return "email" in contact ? lm.email === contact.email : lm.phoneNumber === contact.phoneNumber;
  });
}

const CreateBody = v.object({
  email: optionalString,
  phoneNumber: optionalString,
  deviceId: optionalString,
  userInputCode: optionalString,
});

// CDI 5.4's types only list OK here, but the spec (and the real core) also answer these two.
type CreateCodeAnswer =
  | ResponseOf<"/<tenantId>/recipe/signinup/code", "post">
  | { status: "RESTART_FLOW_ERROR" | "USER_INPUT_CODE_ALREADY_USED_ERROR" };

function createCode(ctx: RequestContext): CreateCodeAnswer {
  const body = parseBody(CreateBody, ctx.body);
  const given = [body.email, body.phoneNumber, body.deviceId].filter((x) => x !== undefined).length;
  if (given !== 1) throw badRequest("Please provide exactly one of email, phoneNumber or deviceId");
  const devices = ctx.app.passwordlessDevices;
  // A deviceId means "resend": a new code for an existing device, which must still exist.
  let deviceId = body.deviceId;
  let device: PasswordlessDeviceRow | undefined;
  if (deviceId !== undefined) {
    device = devices.get(preAuthSessionIdOf(deviceId));
    if (device === undefined || device.tenantId !== ctx.tenantId) return { status: "RESTART_FLOW_ERROR" };
  } else {
    deviceId = randomBytes(32).toString("base64url");
    device = {
      tenantId: ctx.tenantId,
      ...(body.email !== undefined
        ? { email: normaliseEmail(body.email) }
        : { phoneNumber: (body.phoneNumber ?? "").trim() }),
      failedAttempts: 0,
      codes: [],
    };
  }
  const userInputCode = body.userInputCode ?? sixDigits();
  if (device.codes.some((c) => c.userInputCode === userInputCode))
    return { status: "USER_INPUT_CODE_ALREADY_USED_ERROR" };
  const preAuthSessionId = preAuthSessionIdOf(deviceId);
  const linkCode = randomBytes(32).toString("base64url");
  const code = {
    codeId: randomUUID(),
    linkCodeHash: sha256(linkCode, "base64url"),
    userInputCode,
    timeCreated: Date.now(),
    codeLifetime: ctx.config.passwordlessCodeLifetimeMs,
  };
  device.codes.push(code);
  devices.set(preAuthSessionId, device);
  ctx.store.changed();
  return {
    status: "OK",
    preAuthSessionId,
    codeId: code.codeId,
    deviceId,
    userInputCode,
    linkCode,
    timeCreated: code.timeCreated,
    codeLifetime: code.codeLifetime,
  };
}

const ConsumeBody = v.object({
  preAuthSessionId: v.string(),
  linkCode: optionalString,
  deviceId: optionalString,
  userInputCode: optionalString,
});

type CheckResult =
  | { ok: true; device: PasswordlessDeviceRow; preAuthSessionId: string }
  | { ok: false; answer: ResponseOf<"/<tenantId>/recipe/signinup/code/check", "post"> };

/**
 * Checks a link code or a device's user input code. Wrong or expired input codes count as failed
 * attempts; reaching the maximum (or a bad link code) ends the flow, as in the real core.
 */
function checkInput(ctx: RequestContext): CheckResult {
  const body = parseBody(ConsumeBody, ctx.body);
  const devices = ctx.app.passwordlessDevices;
  const restart = { ok: false as const, answer: { status: "RESTART_FLOW_ERROR" as const } };
  const now = Date.now();
  if (body.linkCode !== undefined) {
    const hash = sha256(body.linkCode, "base64url");
    const entry = [...devices].find(([, d]) => d.codes.some((c) => c.linkCodeHash === hash));
    if (entry === undefined) return restart;
    const [preAuthSessionId, device] = entry;
    const code = device.codes.find((c) => c.linkCodeHash === hash);
    if (preAuthSessionId !== body.preAuthSessionId || device.tenantId !== ctx.tenantId) return restart;
    if (code === undefined || code.timeCreated + code.codeLifetime < now) return restart;
    return { ok: true, device, preAuthSessionId };
  }
  if (body.deviceId === undefined || body.userInputCode === undefined)
    throw badRequest("Please provide exactly one of linkCode or deviceId+userInputCode");
  const preAuthSessionId = preAuthSessionIdOf(body.deviceId);
  const device = devices.get(preAuthSessionId);
  // The real core treats a mismatch as a malformed request rather than a flow to restart.
  if (preAuthSessionId !== body.preAuthSessionId)
    throw badRequest("preAuthSessionId and deviceId doesn't match");
  if (device === undefined || device.tenantId !== ctx.tenantId) return restart;
  const code = device.codes.find((c) => c.userInputCode === body.userInputCode);
  if (code !== undefined && code.timeCreated + code.codeLifetime >= now)
    return { ok: true, device, preAuthSessionId };
  device.failedAttempts += 1;
  const max = ctx.config.passwordlessMaxCodeInputAttempts;
  ctx.store.changed();
  if (device.failedAttempts >= max) {
    devices.delete(preAuthSessionId);
    return restart;
  }
  return {
    ok: false,
    answer: {
      status: code === undefined ? "INCORRECT_USER_INPUT_CODE_ERROR" : "EXPIRED_USER_INPUT_CODE_ERROR",
      failedCodeInputAttemptCount: device.failedAttempts,
      maximumCodeInputAttempts: max,
    },
  };
}

function consumedDevice(preAuthSessionId: string, device: PasswordlessDeviceRow) {
  return { preAuthSessionId, failedCodeInputAttemptCount: device.failedAttempts, ...contactOf(device) };
}

/** A used device is gone, and so are the other devices for the same email or phone number. */
function removeDevicesOf(app: AppState, tenantId: string, contact: Contact): void {
  for (const [id, d] of [...app.passwordlessDevices]) {
    const same = "email" in contact ? d.email === contact.email : d.phoneNumber === contact.phoneNumber;
    if (same && d.tenantId === tenantId) app.passwordlessDevices.delete(id);
  }
}

function checkCode(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup/code/check", "post"> {
  const result = checkInput(ctx);
  if (!result.ok) return result.answer;
  return { status: "OK", consumedDevice: consumedDevice(result.preAuthSessionId, result.device) };
}

function consumeCode(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup/code/consume", "post"> {
  const result = checkInput(ctx);
  if (!result.ok) return result.answer;
  const { device, preAuthSessionId } = result;
  const contact = contactOf(device);
  removeDevicesOf(ctx.app, ctx.tenantId, contact);
  const existing = passwordlessUser(ctx.app, ctx.tenantId, contact);
  const user = existing ?? addUser(ctx.app, ctx.tenantId, { recipeId: "passwordless", ...contact });
  // Receiving the code proves ownership of the email.
  if ("email" in contact) setEmailVerified(ctx.app, user.id, contact.email, true);
  ctx.store.changed();
  return {
    ...signInUpAnswer(ctx.app, user, existing === undefined),
    consumedDevice: consumedDevice(preAuthSessionId, device),
  };
}

function listCodes(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup/codes", "get"> {
  const email = ctx.query.get("email");
  const phoneNumber = ctx.query.get("phoneNumber");
  const deviceId = ctx.query.get("deviceId");
  const preAuthSessionId =
    ctx.query.get("preAuthSessionId") ?? (deviceId === null ? null : preAuthSessionIdOf(deviceId));
  const devices = [...ctx.app.passwordlessDevices].filter(
    ([id, d]) =>
      d.tenantId === ctx.tenantId &&
      (email === null || d.email === normaliseEmail(email)) &&
      (phoneNumber === null || d.phoneNumber === phoneNumber.trim()) &&
      (preAuthSessionId === null || id === preAuthSessionId),
  );
  return {
    status: "OK",
    devices: devices.map(([id, d]) => ({
      ...consumedDevice(id, d),
      codes: d.codes.map((c) => ({
        codeId: c.codeId,
        timeCreated: String(c.timeCreated),
        codeLifetime: c.codeLifetime,
      })),
    })),
  };
}

function revokeCode(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup/code/remove", "post"> {
  const body = parseBody(v.object({ codeId: optionalString, preAuthSessionId: optionalString }), ctx.body);
  if (body.codeId === undefined && body.preAuthSessionId === undefined)
    throw badRequest("Please provide exactly one of codeId or preAuthSessionId");
  for (const [id, d] of [...ctx.app.passwordlessDevices]) {
    if (d.tenantId !== ctx.tenantId) continue;
    if (body.preAuthSessionId !== undefined && id === body.preAuthSessionId)
      ctx.app.passwordlessDevices.delete(id);
    else if (body.codeId !== undefined) {
      d.codes = d.codes.filter((c) => c.codeId !== body.codeId);
      // A device without codes cannot be used any more.
      if (d.codes.length === 0) ctx.app.passwordlessDevices.delete(id);
    }
  }
  ctx.store.changed();
  return { status: "OK" };
}

function revokeAllCodes(ctx: RequestContext): ResponseOf<"/<tenantId>/recipe/signinup/codes/remove", "post"> {
  const body = parseBody(v.object({ email: optionalString, phoneNumber: optionalString }), ctx.body);
  if (body.email === undefined && body.phoneNumber === undefined)
    throw badRequest("Please provide exactly one of email or phoneNumber");
  if (body.email !== undefined) removeDevicesOf(ctx.app, ctx.tenantId, { email: normaliseEmail(body.email) });
  if (body.phoneNumber !== undefined)
    removeDevicesOf(ctx.app, ctx.tenantId, { phoneNumber: body.phoneNumber.trim() });
  ctx.store.changed();
  return { status: "OK" };
}

const UpdateBody = v.object({
  recipeUserId: v.string(),
  email: v.optional(v.nullable(v.string())),
  phoneNumber: v.optional(v.nullable(v.string())),
});

/** PUT /recipe/user for a passwordless user: `null` removes a contact, but one must remain. */
export function updatePasswordlessUser(
  ctx: RequestContext,
  user: UserRow,
): ResponseOf<"/<tenantId>/recipe/user\u2800\u2800", "put"> {
  const body = parseBody(UpdateBody, ctx.body);
  const lm = user.loginMethod as PasswordlessLogin;
  const email =
    body.email === undefined ? lm.email : body.email === null ? undefined : normaliseEmail(body.email);
  const phone =
    body.phoneNumber === undefined
      ? lm.phoneNumber
      : body.phoneNumber === null
        ? undefined
        : body.phoneNumber.trim();
  if (email === undefined && phone === undefined)
    throw badRequest("You cannot clear both email and phone number of a user");
  const others = lm.tenantIds.flatMap((t) => usersInTenant(ctx.app, t)).filter((u) => u.id !== user.id);
  const clash = (pick: (o: PasswordlessLogin) => string | undefined, value: string | undefined): boolean =>
    value !== undefined &&
    others.some((o) => o.loginMethod.recipeId === "passwordless" && pick(o.loginMethod) === value);
  if (email !== lm.email && clash((o) => o.email, email)) return { status: "EMAIL_ALREADY_EXISTS_ERROR" };
  if (phone !== lm.phoneNumber && clash((o) => o.phoneNumber, phone))
    return { status: "PHONE_NUMBER_ALREADY_EXISTS_ERROR" };
  if (email === undefined) delete lm.email;
  else lm.email = email;
  if (phone === undefined) delete lm.phoneNumber;
  else lm.phoneNumber = phone;
  ctx.store.changed();
  return { status: "OK" };
}

export const passwordlessRoutes: Route[] = [
  // Typed as CreateCodeAnswer above, not through route(): the CDI types miss its error statuses.
  extraRoute("POST", "/recipe/signinup/code", createCode, { tenant: true }),
  route("/<tenantId>/recipe/signinup/code/check", "post", checkCode),
  route("/<tenantId>/recipe/signinup/code/consume", "post", consumeCode),
  route("/<tenantId>/recipe/signinup/codes", "get", listCodes),
  route("/<tenantId>/recipe/signinup/code/remove", "post", revokeCode),
  route("/<tenantId>/recipe/signinup/codes/remove", "post", revokeAllCodes),
];
