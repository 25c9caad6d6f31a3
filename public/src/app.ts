/**
 * The browser demo: the real client of everything the functions return. Your own roles are read from the
 * access token (the SDK keeps it from the `front-token` header), never from a JSON body. The admin section
 * shows another user's roles as the user-roles API answers them: that is the core's view, not a token.
 */
// Namespace imports: these are CommonJS modules with named exports, which reads the same under tsc and esbuild.
import * as SuperTokens from "supertokens-web-js";
import * as EmailPassword from "supertokens-web-js/recipe/emailpassword/index.js";
import * as Session from "supertokens-web-js/recipe/session/index.js";
import { resolveApiDomain } from "./config.ts";
import { type AccessTokenPayload, rolesFromPayload } from "./payload.ts";

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
};

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

/** Shows whoever the access token says is signed in; the token is the only source. */
async function render(): Promise<void> {
  if (!(await Session.doesSessionExist())) {
    ui.sessionSection.hidden = true;
    ui.adminSection.hidden = true;
    ui.authSection.hidden = false;
    for (const el of [ui.userId, ui.role, ui.roles, ui.permissions]) el.textContent = "";
    showTarget(undefined);
    return;
  }
  const [userId, payload] = await Promise.all([
    Session.getUserId(),
    Session.getAccessTokenPayloadSecurely() as Promise<AccessTokenPayload>,
  ]);
  const { role, roles, permissions } = rolesFromPayload(payload);
  ui.userId.textContent = userId;
  ui.role.textContent = role ?? "(none)";
  ui.roles.textContent = list(roles);
  ui.permissions.textContent = list(permissions);
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
    case "OK":
      ui.password.value = "";
      await render();
      announce(mode === "signup" ? "Signed up and signed in." : "Signed in.", "ok");
      ui.refreshRole.focus();
      return;
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

async function callProtectedApi(): Promise<void> {
  announce("Calling GET /editor-only…");
  // Role-gated: the function reads the caller's roles from the core on every call.
  const response = await fetch(`${apiDomain}/editor-only`, { method: "GET", credentials: "include" });
  await response.body?.cancel();
  const text = `${response.status} ${STATUS_TEXT[response.status] ?? response.statusText}`.trim();
  ui.apiStatus.textContent = text;
  ui.apiStatus.dataset.status = String(response.status);
  // The call may have refreshed the session; show what the (possibly new) token says.
  await render();
  announce(`Protected API answered ${text}.`, response.ok ? "ok" : "error");
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

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  const submitter = (event as SubmitEvent).submitter;
  const mode = submitter instanceof HTMLButtonElement && submitter.value === "signin" ? "signin" : "signup";
  void busy([byId("sign-up"), byId("sign-in")], () => authenticate(mode));
});
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

void busy([], async () => {
  await render();
  announce((await Session.doesSessionExist()) ? "Welcome back." : "Sign up or sign in to start.");
  document.body.dataset.ready = "true";
});
