/**
 * The browser demo: the real client of everything the functions return. Your own roles are read from the
 * access token (the SDK keeps it from the `front-token` header), never from a JSON body. The admin section
 * shows another user's roles as the user-roles API answers them: that is the core's view, not a token.
 * When the token says a list was left out to fit its size budget (`compacted`), the page asks `GET /session`,
 * which answers the core's full lists, and says so. The email links land on `/reset-password` and
 * `/verify-email`: the same page, which reads the token from the query.
 */
// Namespace imports: these are CommonJS modules with named exports, which reads the same under tsc and esbuild.
import * as SuperTokens from "supertokens-web-js";
import * as EmailPassword from "supertokens-web-js/recipe/emailpassword/index.js";
import * as EmailVerification from "supertokens-web-js/recipe/emailverification/index.js";
import * as Session from "supertokens-web-js/recipe/session/index.js";
import { localhostPage, resolveApiDomain } from "./config.ts";
import { type AccessTokenPayload, rolesFromPayload, type ShownRoles } from "./payload.ts";
import { refreshAndReturn, returnPath } from "./return-path.ts";

declare global {
  interface Window {
    /** Set before app.js runs to point the page at an API: wins over the `api-domain` meta tag. */
    SESSION_ROLES_API?: string;
  }
}

const apiDomain = resolveApiDomain({
  override: window.SESSION_ROLES_API,
  meta: document.querySelector<HTMLMetaElement>('meta[name="api-domain"]')?.content,
  origin: window.location.origin,
});

// Opened as http://127.0.0.1:3001: go to http://localhost:3001, where the cookies and CORS work.
const onLocalhost = localhostPage(window.location.href, apiDomain);
if (onLocalhost) window.location.replace(onLocalhost);

/** The role the user-roles API requires (ADMIN_ROLE's default): the admin section shows for it. */
const ADMIN_ROLE = "admin";
/** The role the admin section grants and revokes, and /editor-only requires. */
const DEMO_ROLE = "editor";

let refreshCount = 0;

SuperTokens.init({
  appInfo: { appName: "session-roles", apiDomain, apiBasePath: "/auth" },
  recipeList: [
    Session.init({
      tokenTransferMethod: "cookie",
      onHandleEvent(event) {
        // The SDK refreshes by itself; say so, so the user (and a test) can see it happen.
        if (event.action === "REFRESH_SESSION") {
          refreshCount += 1;
          document.body.dataset.refreshes = String(refreshCount);
        }
        if (event.action === "UNAUTHORISED") void render();
      },
    }),
    EmailPassword.init(),
    // Needed for verifyEmail / sendVerificationEmail; harmless when the backend has EMAIL_VERIFICATION=off.
    EmailVerification.init(),
  ],
});

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo page is missing #${id}`);
  return element as T;
}

const ui = {
  status: byId<HTMLParagraphElement>("status"),
  authSection: byId<HTMLElement>("auth"),
  sessionSection: byId<HTMLElement>("session"),
  form: byId<HTMLFormElement>("auth-form"),
  email: byId<HTMLInputElement>("email"),
  password: byId<HTMLInputElement>("password"),
  emailError: byId<HTMLParagraphElement>("email-error"),
  passwordError: byId<HTMLParagraphElement>("password-error"),
  userId: byId<HTMLElement>("user-id"),
  role: byId<HTMLElement>("role"),
  roles: byId<HTMLElement>("roles"),
  permissions: byId<HTMLElement>("permissions"),
  refreshRole: byId<HTMLButtonElement>("refresh-role"),
  signOut: byId<HTMLButtonElement>("sign-out"),
  callApi: byId<HTMLButtonElement>("call-api"),
  apiStatus: byId<HTMLOutputElement>("api-status"),
  apiDomain: byId<HTMLElement>("api-domain"),
  adminSection: byId<HTMLElement>("admin"),
  lookupForm: byId<HTMLFormElement>("lookup-form"),
  adminEmail: byId<HTMLInputElement>("admin-email"),
  adminEmailError: byId<HTMLParagraphElement>("admin-email-error"),
  findUser: byId<HTMLButtonElement>("find-user"),
  target: byId<HTMLElement>("target"),
  targetEmail: byId<HTMLElement>("target-email"),
  targetUserId: byId<HTMLElement>("target-user-id"),
  targetRoles: byId<HTMLElement>("target-roles"),
  grantEditor: byId<HTMLButtonElement>("grant-editor"),
  revokeEditor: byId<HTMLButtonElement>("revoke-editor"),
  rolesSource: byId<HTMLElement>("roles-source"),
  forgotPassword: byId<HTMLButtonElement>("forgot-password"),
  resetSection: byId<HTMLElement>("reset"),
  resetInvalid: byId<HTMLParagraphElement>("reset-invalid"),
  resetForm: byId<HTMLFormElement>("reset-form"),
  newPassword: byId<HTMLInputElement>("new-password"),
  newPasswordError: byId<HTMLParagraphElement>("new-password-error"),
  confirmPassword: byId<HTMLInputElement>("confirm-password"),
  confirmPasswordError: byId<HTMLParagraphElement>("confirm-password-error"),
  changePassword: byId<HTMLButtonElement>("change-password"),
  verifySection: byId<HTMLElement>("verify"),
  verifyResult: byId<HTMLParagraphElement>("verify-result"),
  verifyBanner: byId<HTMLElement>("verify-banner"),
  sendVerification: byId<HTMLButtonElement>("send-verification"),
  outboxSection: byId<HTMLElement>("outbox"),
  outboxEmpty: byId<HTMLParagraphElement>("outbox-empty"),
  outboxList: byId<HTMLOListElement>("outbox-list"),
};

/** Which view the URL asks for: the email links land on /reset-password and /verify-email. */
let view: "home" | "reset" | "verify" =
  window.location.pathname === "/reset-password"
    ? "reset"
    : window.location.pathname === "/verify-email"
      ? "verify"
      : "home";

/** The user the admin section acts on, as the last look-up found them. */
let target: { userId: string; email: string } | undefined;

type StatusKind = "info" | "ok" | "error";

function announce(message: string, kind: StatusKind = "info"): void {
  ui.status.textContent = message;
  ui.status.dataset.kind = kind;
}

function list(values: string[] | undefined): string {
  return values && values.length > 0 ? values.join(", ") : "(none)";
}

/** Longer lists are shown as a count and their first few: 4,500 list items help nobody. */
const LONG_LIST = 50;
const count = new Intl.NumberFormat("en-US");

function shortList(values: string[] | undefined, noun: string): string {
  if (!values || values.length <= LONG_LIST) return list(values);
  return `${count.format(values.length)} ${noun}: ${values.slice(0, 5).join(", ")}, …`;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

/** What `GET /session` answers: the core's full lists when the token was compacted. */
interface SessionAnswer {
  role?: unknown;
  roles?: unknown;
  permissions?: unknown;
  compacted?: unknown;
}

/**
 * Roles from the core: when the token's `compacted` claim names `st-perm` or `st-role`, that list was left
 * out of the token to fit its size budget, and an absent list is not an empty one. `GET /session` then
 * answers the core's full lists.
 */
async function rolesFromCore(compacted: string[]): Promise<{ shown: ShownRoles; source: string }> {
  const response = await fetch(`${apiDomain}/session`, { method: "GET", credentials: "include" });
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`GET /session answered HTTP ${response.status}`);
  }
  const body = (await response.json()) as SessionAnswer;
  return {
    shown: {
      role: typeof body.role === "string" ? body.role : undefined,
      roles: stringsOf(body.roles),
      permissions: stringsOf(body.permissions),
    },
    source: `the core, via GET /session: the token left out ${compacted.join(" and ")} to fit its size budget`,
  };
}

/** Shows whoever the access token says is signed in; the token is the only source, unless it was compacted. */
async function render(): Promise<void> {
  ui.resetSection.hidden = view !== "reset";
  ui.verifySection.hidden = view !== "verify";
  if (!(await Session.doesSessionExist())) {
    ui.sessionSection.hidden = true;
    ui.adminSection.hidden = true;
    ui.verifyBanner.hidden = true;
    ui.authSection.hidden = view === "reset";
    for (const el of [ui.userId, ui.role, ui.roles, ui.permissions, ui.rolesSource]) el.textContent = "";
    showTarget(undefined);
    return;
  }
  const [userId, payload] = await Promise.all([
    Session.getUserId(),
    Session.getAccessTokenPayloadSecurely() as Promise<AccessTokenPayload>,
  ]);
  const compacted = stringsOf(payload["compacted"]).filter(
    (claim) => claim === "st-perm" || claim === "st-role",
  );
  const { shown, source } =
    compacted.length > 0
      ? await rolesFromCore(compacted)
      : { shown: rolesFromPayload(payload), source: "the access token" };
  const { role, roles, permissions } = shown;
  ui.userId.textContent = userId;
  ui.role.textContent = role ?? "(none)";
  ui.roles.textContent = shortList(roles, "roles");
  ui.permissions.textContent = shortList(permissions, "permissions");
  ui.rolesSource.textContent = source;
  ui.rolesSource.dataset.source = compacted.length > 0 ? "core" : "token";
  // `st-ev` is in the token when the backend runs EMAIL_VERIFICATION=optional or required.
  ui.verifyBanner.hidden = (payload["st-ev"] as { v?: unknown } | undefined)?.v !== false;
  ui.authSection.hidden = true;
  ui.sessionSection.hidden = false;
  // A hint only: the API checks the admin role against the core, whatever the token says.
  ui.adminSection.hidden = !roles?.includes(ADMIN_ROLE);
}

function setFieldError(input: HTMLInputElement, slot: HTMLElement, message: string | undefined): void {
  slot.textContent = message ?? "";
  slot.hidden = message === undefined;
  if (message === undefined) {
    input.removeAttribute("aria-invalid");
    input.removeAttribute("aria-errormessage");
  } else {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-errormessage", slot.id);
  }
}

/** The SDK's STGeneralError: the backend answered `GENERAL_ERROR` with a message meant for the user. */
function isGeneralError(error: unknown): error is Error {
  return (
    error instanceof Error &&
    (error as { isSuperTokensGeneralError?: unknown }).isSuperTokensGeneralError === true
  );
}

/** Disables the given buttons while `task` runs, and turns any throw into a status message. */
async function busy(buttons: HTMLButtonElement[], task: () => Promise<void>): Promise<void> {
  for (const button of buttons) button.disabled = true;
  try {
    await task();
  } catch (error) {
    const message = isGeneralError(error)
      ? error.message
      : error instanceof Error
        ? `Something went wrong: ${error.message}`
        : "Something went wrong.";
    announce(message, "error");
  } finally {
    for (const button of buttons) button.disabled = false;
  }
}

async function authenticate(mode: "signup" | "signin"): Promise<void> {
  const email = ui.email.value.trim();
  const password = ui.password.value;
  setFieldError(ui.email, ui.emailError, email ? undefined : "Enter your email.");
  setFieldError(ui.password, ui.passwordError, password ? undefined : "Enter a password.");
  if (!email) return ui.email.focus();
  if (!password) return ui.password.focus();

  announce(mode === "signup" ? "Signing up…" : "Signing in…");
  const formFields = [
    { id: "email", value: email },
    { id: "password", value: password },
  ];
  const response =
    mode === "signup"
      ? await EmailPassword.signUp({ formFields })
      : await EmailPassword.signIn({ formFields });

  switch (response.status) {
    case "OK": {
      ui.password.value = "";
      // Sent here by the edge gate (/admin/): back there now.
      const back = returnPath(window.location.search);
      if (back) return window.location.assign(back);
      await render();
      announce(mode === "signup" ? "Signed up and signed in." : "Signed in.", "ok");
      ui.refreshRole.focus();
      return;
    }
    case "FIELD_ERROR": {
      const errors = new Map(response.formFields.map((field) => [field.id, field.error]));
      setFieldError(ui.email, ui.emailError, errors.get("email"));
      setFieldError(ui.password, ui.passwordError, errors.get("password"));
      announce("Please fix the highlighted fields.", "error");
      (errors.has("email") ? ui.email : ui.password).focus();
      return;
    }
    case "WRONG_CREDENTIALS_ERROR":
      announce("Wrong email or password.", "error");
      return;
    default:
      announce(`Not allowed: ${response.reason}`, "error");
  }
}

async function refreshRole(): Promise<void> {
  announce("Asking the API to refresh your role…");
  // The SDK's fetch interceptor adds the anti-CSRF token and refreshes the session on a 401.
  const response = await fetch(`${apiDomain}/update-role`, { method: "POST", credentials: "include" });
  if (!response.ok) {
    announce(`Could not refresh your role: HTTP ${response.status}`, "error");
    await render();
    return;
  }
  // Deliberately ignore the JSON body: what counts is the new access token the browser now holds.
  await response.body?.cancel();
  await render();
  announce(`Role refreshed from your new access token: ${ui.role.textContent}.`, "ok");
}

const STATUS_TEXT: Record<number, string> = { 200: "OK", 401: "Unauthorized", 403: "Forbidden" };

/** Whether a 403's body names the claim that failed, e.g. `st-ev` (email not verified). */
async function failedClaim(response: Response, claim: string): Promise<boolean> {
  const body = (await response.json().catch(() => undefined)) as
    | { claimValidationErrors?: { id?: unknown }[] }
    | undefined;
  return (
    Array.isArray(body?.claimValidationErrors) && body.claimValidationErrors.some((e) => e?.id === claim)
  );
}

async function callProtectedApi(): Promise<void> {
  announce("Calling GET /editor-only…");
  // Role-gated: the function reads the caller's roles from the core on every call.
  const response = await fetch(`${apiDomain}/editor-only`, { method: "GET", credentials: "include" });
  const unverified = response.status === 403 && (await failedClaim(response, "st-ev"));
  if (!response.bodyUsed) await response.body?.cancel();
  const text = `${response.status} ${STATUS_TEXT[response.status] ?? response.statusText}`.trim();
  ui.apiStatus.textContent = text;
  ui.apiStatus.dataset.status = String(response.status);
  // The call may have refreshed the session; show what the (possibly new) token says.
  await render();
  const why = unverified ? " Verify your email to use this." : "";
  announce(`Protected API answered ${text}.${why}`, response.ok ? "ok" : "error");
}

/** Asks for a reset link. The answer never says whether the account exists. */
async function forgotPassword(): Promise<void> {
  const email = ui.email.value.trim();
  setFieldError(ui.password, ui.passwordError, undefined);
  setFieldError(ui.email, ui.emailError, email ? undefined : "Enter your email to get a reset link.");
  if (!email) return ui.email.focus();
  announce("Asking for a reset link…");
  const response = await EmailPassword.sendPasswordResetEmail({
    formFields: [{ id: "email", value: email }],
  });
  if (response.status === "FIELD_ERROR") {
    setFieldError(ui.email, ui.emailError, response.formFields[0]?.error);
    announce("Please fix the highlighted fields.", "error");
    return ui.email.focus();
  }
  announce("If an account exists, a link is on its way (see the outbox).", "ok");
  void pollOutbox();
}

/** Leaves /reset-password or /verify-email for the home view, with the token gone from the address bar. */
function goHome(): void {
  view = "home";
  window.history.replaceState(null, "", "/");
}

/** /reset-password?token=…: the new password, with web-js' submitNewPassword (it reads the token from the URL). */
async function submitNewPassword(): Promise<void> {
  const password = ui.newPassword.value;
  const confirmation = ui.confirmPassword.value;
  setFieldError(ui.newPassword, ui.newPasswordError, password ? undefined : "Enter a new password.");
  setFieldError(
    ui.confirmPassword,
    ui.confirmPasswordError,
    !password || confirmation === password ? undefined : "The two passwords differ.",
  );
  if (!password) return ui.newPassword.focus();
  if (confirmation !== password) return ui.confirmPassword.focus();
  announce("Changing your password…");
  const response = await EmailPassword.submitNewPassword({
    formFields: [{ id: "password", value: password }],
  });
  switch (response.status) {
    case "OK":
      ui.newPassword.value = "";
      ui.confirmPassword.value = "";
      goHome();
      // Every session of the user was revoked; drop this browser's copy too.
      if (await Session.doesSessionExist()) await Session.signOut();
      await render();
      announce("Password changed; you were signed out everywhere. Sign in with your new password.", "ok");
      ui.email.focus();
      return;
    case "FIELD_ERROR":
      setFieldError(ui.newPassword, ui.newPasswordError, response.formFields[0]?.error);
      announce("Please fix the highlighted fields.", "error");
      ui.newPassword.focus();
      return;
    default:
      announce("Link expired or already used: ask for a new one with “Forgot password?”.", "error");
  }
}

/** /reset-password with no token: nothing to submit. */
function showResetLink(): void {
  const valid = Boolean(EmailPassword.getResetPasswordTokenFromURL());
  ui.resetInvalid.hidden = valid;
  ui.resetForm.hidden = !valid;
  if (!valid)
    announce("The link is invalid: it has no token. Ask for a new one with “Forgot password?”.", "error");
  else announce("Choose a new password.");
}

/** /verify-email?token=…: spends the token once (web-js' verifyEmail reads it from the URL). */
async function verifyEmailFromLink(): Promise<void> {
  if (!EmailVerification.getEmailVerificationTokenFromURL()) {
    ui.verifyResult.textContent = "The link is invalid: it has no token.";
    announce("The link is invalid: it has no token.", "error");
    return;
  }
  const response = await EmailVerification.verifyEmail();
  // A reload must not spend the token again.
  window.history.replaceState(null, "", "/");
  const ok = response.status === "OK";
  const message = ok ? "Email verified." : "This verification link has expired or was already used.";
  ui.verifyResult.textContent = message;
  await render();
  announce(message, ok ? "ok" : "error");
}

async function sendVerificationEmail(): Promise<void> {
  announce("Sending a verification email…");
  const response = await EmailVerification.sendVerificationEmail();
  await render();
  announce(
    response.status === "OK"
      ? "Verification email sent (see the outbox)."
      : "Your email is already verified.",
    "ok",
  );
  void pollOutbox();
}

/** One email of the demo server's outbox (GET /outbox). */
interface OutboxEntry {
  to: string;
  type: string;
  link: string;
  at: string;
}

const OUTBOX_POLL_MS = 2_000;
const OUTBOX_SHOWN = 20;
let outboxTimer: ReturnType<typeof setInterval> | undefined;
let lastOutbox: string | undefined;

function safeLink(link: string): string | undefined {
  try {
    const url = new URL(link);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

function outboxItem(entry: OutboxEntry): HTMLLIElement {
  const item = document.createElement("li");
  const meta = document.createElement("span");
  meta.className = "meta";
  const type = document.createElement("strong");
  type.textContent = entry.type;
  const time = document.createElement("time");
  time.dateTime = entry.at;
  const at = new Date(entry.at);
  time.textContent = Number.isNaN(at.getTime()) ? entry.at : at.toLocaleTimeString();
  meta.append(type, ` to ${entry.to} at `, time);
  item.append(meta);
  const href = safeLink(entry.link);
  if (href) {
    const link = document.createElement("a");
    link.href = href;
    link.textContent = entry.link;
    item.append(link);
  }
  return item;
}

/** The demo server's outbox (local development only): hidden for good if the server has none (404). */
async function pollOutbox(): Promise<void> {
  let response: Response;
  try {
    response = await fetch("/outbox", { cache: "no-store" });
  } catch {
    return; // the server is restarting: try again at the next tick
  }
  if (response.status === 404) {
    ui.outboxSection.hidden = true;
    clearInterval(outboxTimer);
    outboxTimer = undefined;
    window.removeEventListener("focus", onFocus);
    return;
  }
  if (!response.ok) return void (await response.body?.cancel());
  const text = await response.text();
  if (text === lastOutbox) return;
  lastOutbox = text;
  const entries = (JSON.parse(text) as OutboxEntry[]).slice(0, OUTBOX_SHOWN);
  ui.outboxList.replaceChildren(...entries.map(outboxItem));
  ui.outboxEmpty.hidden = entries.length > 0;
  ui.outboxSection.hidden = false;
}

function onFocus(): void {
  void pollOutbox();
}

/** The `message` of an error answer, if the API sent one. */
async function messageOf(response: Response): Promise<string | undefined> {
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  return typeof body?.message === "string" ? body.message : undefined;
}

/** What an admin call's refusal means, in a sentence. */
async function refusal(response: Response, what: string): Promise<string> {
  if (response.status === 403) return `${what}: only admins may do this (403).`;
  const message = await messageOf(response);
  return `${what}: ${message ?? "HTTP error"} (${response.status}).`;
}

/** What the user-roles API answers about a user (the core's view). */
interface AdminAnswer {
  userId: string;
  email?: string;
  roles: string[];
}

function showTarget(found: { userId: string; email: string; roles: string[] } | undefined): void {
  target = found && { userId: found.userId, email: found.email };
  ui.target.hidden = found === undefined;
  ui.targetEmail.textContent = found?.email ?? "";
  ui.targetUserId.textContent = found?.userId ?? "";
  ui.targetRoles.textContent = found ? list(found.roles) : "";
}

async function findUser(): Promise<void> {
  const email = ui.adminEmail.value.trim();
  setFieldError(ui.adminEmail, ui.adminEmailError, email ? undefined : "Enter the user's email.");
  if (!email) return ui.adminEmail.focus();
  announce(`Looking up ${email}…`);
  const query = new URLSearchParams({ email });
  const response = await fetch(`${apiDomain}/users/lookup?${query}`, {
    method: "GET",
    credentials: "include",
  });
  if (response.status === 404) {
    showTarget(undefined);
    setFieldError(ui.adminEmail, ui.adminEmailError, "No user has this email.");
    announce(`No user has the email ${email}.`, "error");
    return ui.adminEmail.focus();
  }
  if (!response.ok) {
    showTarget(undefined);
    announce(await refusal(response, "Could not look the user up"), "error");
    return;
  }
  const found = (await response.json()) as AdminAnswer;
  showTarget({ userId: found.userId, email: found.email ?? email, roles: found.roles });
  announce(`Found ${ui.targetEmail.textContent}: roles ${list(found.roles)}.`, "ok");
  ui.grantEditor.focus();
}

async function changeRole(method: "PUT" | "DELETE"): Promise<void> {
  if (!target) return;
  const { userId, email } = target;
  const verb = method === "PUT" ? "Granted" : "Revoked";
  announce(`${method === "PUT" ? "Granting" : "Revoking"} ${DEMO_ROLE}…`);
  // The SDK's fetch interceptor adds the anti-CSRF token to PUT and DELETE.
  const url = `${apiDomain}/users/${encodeURIComponent(userId)}/roles/${DEMO_ROLE}`;
  const response = await fetch(url, { method, credentials: "include" });
  if (!response.ok) {
    announce(await refusal(response, `Could not change ${email}'s roles`), "error");
    return;
  }
  const changed = (await response.json()) as AdminAnswer;
  showTarget({ userId, email, roles: changed.roles });
  const preposition = method === "PUT" ? "to" : "from";
  announce(`${verb} ${DEMO_ROLE} ${preposition} ${email}: roles ${list(changed.roles)}.`, "ok");
}

async function signOut(): Promise<void> {
  await Session.signOut();
  await render();
  announce("Signed out.", "ok");
  ui.email.focus();
}

ui.apiDomain.textContent = apiDomain;

const authButtons = [
  byId<HTMLButtonElement>("sign-up"),
  byId<HTMLButtonElement>("sign-in"),
  ui.forgotPassword,
];
ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const submitter = (event as SubmitEvent).submitter;
  const mode = submitter instanceof HTMLButtonElement && submitter.value === "signin" ? "signin" : "signup";
  void busy(authButtons, () => authenticate(mode));
});
ui.forgotPassword.addEventListener("click", () => void busy(authButtons, forgotPassword));
ui.resetForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void busy([ui.changePassword], submitNewPassword);
});
ui.sendVerification.addEventListener("click", () => void busy([ui.sendVerification], sendVerificationEmail));
ui.refreshRole.addEventListener("click", () => void busy([ui.refreshRole], refreshRole));
ui.callApi.addEventListener("click", () => void busy([ui.callApi], callProtectedApi));
ui.signOut.addEventListener("click", () => void busy([ui.signOut], signOut));
const adminButtons = [ui.findUser, ui.grantEditor, ui.revokeEditor];
ui.lookupForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void busy(adminButtons, findUser);
});
ui.grantEditor.addEventListener("click", () => void busy(adminButtons, () => changeRole("PUT")));
ui.revokeEditor.addEventListener("click", () => void busy(adminButtons, () => changeRole("DELETE")));

void pollOutbox().then(() => {
  if (!ui.outboxSection.hidden) {
    outboxTimer = setInterval(() => void pollOutbox(), OUTBOX_POLL_MS);
    window.addEventListener("focus", onFocus);
  }
});

void busy([], async () => {
  if (window.location.pathname === "/refresh-session")
    return refreshAndReturn(() => Session.attemptRefreshingSession(), window.location);
  await render();
  if (view === "reset") showResetLink();
  else if (view === "verify") await verifyEmailFromLink();
  else announce((await Session.doesSessionExist()) ? "Welcome back." : "Sign up or sign in to start.");
  document.body.dataset.ready = "true";
});
