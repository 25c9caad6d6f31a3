// The whole loop in a real browser: the demo page (supertokens-web-js) on one origin, the functions under
// sls offline on another, a role granted with the CLI or by an admin clicking in another browser, and the
// page reading it from the new access token.

import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { type DemoServer, serveDemo } from "../../scripts/serve-demo.ts";
import { freePort } from "../helpers/ports.ts";
import {
  frontToken,
  launchBrowser,
  openPage,
  type PageLog,
  rolesCli,
  screenshot,
  sideBySide,
  testEmail,
} from "./helpers/browser.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

const PASSWORD = "correct-horse-42";
/** A function's first call under sls offline loads it (a cold start): give the page time. */
const POLL = { timeout: 15_000, interval: 100 };
/** Two of these side by side make the README's before/after pictures. */
const STORY_VIEWPORT = { width: 560, height: 720 };
/** The footer names the API, whose port changes with every run: left out of the README's pictures. */
const README_SHOT = { hide: ["footer"] };
/** Failed-resource console lines for answers a test expects; anything else the page logs is a bug. */
const unexpectedErrors = (log: PageLog, statuses: number[]) =>
  log.errors.filter((line) => !statuses.some((status) => line.includes(`status of ${status}`)));

/**
 * The page and the API on different ports of localhost: cross-origin (CORS) but same-site (cookies). The
 * functions' emails go to one outbox file, which the demo server answers at GET /outbox.
 */
async function startDemoAndStack(
  options: { accessTokenValidity?: number; env?: Record<string, string> } = {},
) {
  const apiPort = await freePort();
  const outboxFile = join(tmpdir(), `session-roles-e2e-outbox-${process.pid}-${apiPort}.jsonl`);
  const demo = await serveDemo({ port: 0, apiDomain: `http://localhost:${apiPort}`, outboxFile });
  const closeDemo = async () => {
    await demo.close();
    await rm(outboxFile, { force: true });
  };
  try {
    const stack = await startStack({ port: apiPort, websiteDomain: demo.url, outboxFile, ...options });
    return { demo: { ...demo, close: closeDemo }, stack };
  } catch (error) {
    await closeDemo();
    throw error;
  }
}

/** The cookie budget of README "Roles in the token": sAccessToken and sFrontToken each ≤ 2,560 bytes. */
const COOKIE_BUDGET = 2_560;
const bytes = (value: string) => Buffer.byteLength(value, "utf8");

/** A role in the core, with its permissions: the core's own HTTP API, from Node (the core refuses an Origin). */
async function putRole(coreUrl: string, role: string, permissions: string[]): Promise<void> {
  const response = await fetch(`${coreUrl}/recipe/role`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ role, permissions }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: "OK" });
}

/** 30 roles of 150 permissions each, distinct: far more than fits a cookie. */
const TEAMS = Array.from({ length: 30 }, (_, i) => `team-${String(i).padStart(2, "0")}`);

async function createTeams(coreUrl: string): Promise<void> {
  await Promise.all(
    TEAMS.map((role, i) =>
      putRole(
        coreUrl,
        role,
        Array.from({ length: 150 }, (_, j) => `organisation:project-${i * 150 + j}:documents:write`),
      ),
    ),
  );
}

async function addRoleToUser(coreUrl: string, userId: string, role: string): Promise<void> {
  const response = await fetch(`${coreUrl}/public/recipe/user/role`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userId, role }),
  });
  expect(response.status).toBe(200);
  expect(await response.json()).toMatchObject({ status: "OK" });
}

async function signUp(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up" }).click();
  await expect.poll(text(page, "#status"), POLL).toBe("Signed up and signed in.");
}

/** "b, a" -> ["a", "b"]: the page lists values comma-separated. */
const items = (shown: string | null) => (shown ?? "").split(", ").sort();
const text = (page: Page, selector: string) => () => page.locator(selector).textContent();
const refreshRequests = (log: PageLog) =>
  log.requests.filter((r) => r.method === "POST" && new URL(r.url).pathname === "/auth/session/refresh");

/** On failure, print what the page saw on the network and in its console. */
function explainOnFailure(log: PageLog): void {
  onTestFailed(() => {
    console.error(["page network:", ...log.responses, "page errors:", ...log.errors].join("\n  "));
  });
}

let browser: Browser;

/** A fresh page whose log is explained if the test fails; its context is closed after `use`, pass or fail. */
async function onPage(
  use: (opened: { context: BrowserContext; page: Page; log: PageLog }) => Promise<void>,
): Promise<void> {
  const { context, page, log } = await openPage(browser);
  explainOnFailure(log);
  try {
    await use({ context, page, log });
  } finally {
    await context.close();
  }
}

beforeAll(async () => {
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
});

describe("demo page against the local stack", () => {
  let demo: DemoServer | undefined;
  let stack: Stack | undefined;

  beforeAll(async () => {
    ({ demo, stack } = await startDemoAndStack());
  });

  afterAll(async () => {
    await stack?.close();
    await demo?.close();
  });

  test("sign up, get a role granted, see it without a reload, sign out", async () => {
    await onPage(async ({ context, page, log }) => {
      const email = testEmail("ada");
      await signUp(page, demo!.url, email);

      // New users get `user`, read from the access token by the SDK.
      await expect.poll(text(page, "#role"), POLL).toBe("user");
      expect(await page.locator("#roles").textContent()).toBe("user");
      expect(await page.locator("#permissions").textContent()).toBe("content:read");
      const userId = (await page.locator("#user-id").textContent())!;
      expect(userId).toMatch(/\S/);
      expect((await frontToken(context, demo!.url))?.uid).toBe(userId);

      // Granting in the core changes nothing in the browser yet: the token is what the page shows.
      const granted = JSON.parse(await rolesCli(stack!.coreUrl, ["grant", email, "editor"]));
      expect(granted).toMatchObject({ userId, role: "editor" });
      expect(await page.locator("#role").textContent()).toBe("user");

      // A marker that a reload or a navigation would wipe.
      await page.evaluate(() => {
        (window as unknown as { __marker: string }).__marker = "still here";
      });
      const navigationsBefore = log.navigations.length;

      const updateRole = page.waitForResponse(
        (response) =>
          response.request().method() === "POST" && new URL(response.url()).pathname === "/update-role",
      );
      await page.getByRole("button", { name: "Refresh my role" }).click();
      const response = await updateRole;
      expect(response.status()).toBe(200);
      // The new payload travels in the front-token header, readable cross-origin because it is exposed.
      expect(response.headers()["access-control-expose-headers"]?.toLowerCase()).toContain("front-token");
      expect(response.headers()["front-token"]).toBeTruthy();

      await expect.poll(text(page, "#role"), POLL).toBe("editor");
      expect(items(await page.locator("#roles").textContent())).toEqual(["editor", "user"]);
      expect(items(await page.locator("#permissions").textContent())).toEqual([
        "content:read",
        "content:write",
      ]);
      await expect
        .poll(text(page, "#status"), POLL)
        .toBe("Role refreshed from your new access token: editor.");

      // No reload, no navigation: the same document picked up the new token.
      expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
        "still here",
      );
      expect(log.navigations.length).toBe(navigationsBefore);

      // What the page shows is what the SDK's copy of the new access token says.
      const token = await frontToken(context, demo!.url);
      expect(token?.up).toMatchObject({
        role: "editor",
        "st-role": { v: expect.arrayContaining(["editor", "user"]) },
      });

      await screenshot(page, "browser-demo-editor.png");
      // An editor is no admin: the admin section stays hidden.
      expect(await page.locator("#admin").isHidden()).toBe(true);

      // The protected API (editors only) accepts the session.
      await page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(page, "#api-status"), POLL).toBe("200 OK");

      // Sign out: the protected API now refuses the browser.
      await page.getByRole("button", { name: "Sign out" }).click();
      await expect.poll(text(page, "#status"), POLL).toBe("Signed out.");
      await expect.poll(() => page.locator("#session").isHidden(), POLL).toBe(true);
      await page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(page, "#api-status"), POLL).toBe("401 Unauthorized");
      expect(await frontToken(context, demo!.url)).toBeUndefined();
      await screenshot(page, "browser-demo-signed-out.png");

      // Only the expected 401 (a failed-resource console line), nothing thrown by the page.
      expect(unexpectedErrors(log, [401])).toEqual([]);
    });
  });

  test("the page shows the role from the access token, not from the JSON body", async () => {
    await onPage(async ({ page }) => {
      const email = testEmail("tamper");
      await signUp(page, demo!.url, email);
      await expect.poll(text(page, "#role"), POLL).toBe("user");
      await rolesCli(stack!.coreUrl, ["grant", email, "editor"]);
      // The real response, headers (front-token, cookies, CORS) and all, with a body that lies.
      await page.route(
        (url) => url.pathname === "/update-role",
        async (route) => {
          const response = await route.fetch();
          const lie = { role: "tampered", roles: ["tampered"], permissions: ["nothing"] };
          await route.fulfill({ response, body: JSON.stringify(lie) });
        },
      );
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect
        .poll(text(page, "#status"), POLL)
        .toBe("Role refreshed from your new access token: editor.");
      expect(await page.locator("#role").textContent()).toBe("editor");
      expect(items(await page.locator("#roles").textContent())).toEqual(["editor", "user"]);
    });
  });

  test("an admin grants and revokes editor by clicking; the other user's next call sees it, no reload", async () => {
    const admin = await openPage(browser, STORY_VIEWPORT);
    const user = await openPage(browser, STORY_VIEWPORT);
    explainOnFailure(admin.log);
    explainOnFailure(user.log);
    const shot = (page: Page, name: string) => screenshot(page, name, [], README_SHOT);
    try {
      const adminEmail = testEmail("admin");
      const userEmail = testEmail("user");

      // The first admin is made with the roles CLI; their own "Refresh my role" puts it in their token,
      // and the admin section appears.
      await signUp(admin.page, demo!.url, adminEmail);
      expect(await admin.page.locator("#admin").isHidden()).toBe(true);
      await rolesCli(stack!.coreUrl, ["grant", adminEmail, "admin"]);
      await admin.page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(text(admin.page, "#role"), POLL).toBe("admin");
      await expect.poll(() => admin.page.locator("#admin").isVisible(), POLL).toBe(true);

      // The other user, in another browser context: the editors-only function refuses them.
      await signUp(user.page, demo!.url, userEmail);
      const userId = (await user.page.locator("#user-id").textContent())!;
      expect(await user.page.locator("#admin").isHidden()).toBe(true);
      await user.page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(user.page, "#api-status"), POLL).toBe("403 Forbidden");
      expect(await user.page.locator("#status").textContent()).toBe("Protected API answered 403 Forbidden.");
      await user.page.evaluate(() => {
        (window as unknown as { __marker: string }).__marker = "still here";
      });
      const userNavigations = user.log.navigations.length;

      // The admin finds them by email through the user-roles API.
      await admin.page.getByLabel("User's email").fill(userEmail);
      await admin.page.getByRole("button", { name: "Find user" }).click();
      await expect.poll(text(admin.page, "#status"), POLL).toBe(`Found ${userEmail}: roles user.`);
      expect(await admin.page.locator("#target-user-id").textContent()).toBe(userId);
      expect(await admin.page.locator("#target-roles").textContent()).toBe("user");
      const before = [
        await shot(admin.page, "story-admin-before.png"),
        await shot(user.page, "story-user-before.png"),
      ];

      // Grant editor: the API answers with the core's roles, and the core holds them.
      const put = admin.page.waitForResponse(
        (response) =>
          response.request().method() === "PUT" &&
          new URL(response.url()).pathname === `/users/${userId}/roles/editor`,
      );
      await admin.page.getByRole("button", { name: "Grant editor" }).click();
      expect((await put).status()).toBe(200);
      await expect.poll(text(admin.page, "#status"), POLL).toMatch(`Granted editor to ${userEmail}: roles `);
      expect(items(await admin.page.locator("#target-roles").textContent())).toEqual(["editor", "user"]);
      expect(JSON.parse(await rolesCli(stack!.coreUrl, ["list", userEmail])).roles.sort()).toEqual([
        "editor",
        "user",
      ]);

      // The user's very next call is let in: the function read the core, not the user's old token.
      await user.page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(user.page, "#api-status"), POLL).toBe("200 OK");
      // Their own "Refresh my role" then shows editor from their new access token.
      await user.page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(text(user.page, "#role"), POLL).toBe("editor");
      expect(await user.page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
        "still here",
      );
      expect(user.log.navigations.length).toBe(userNavigations);
      const after = [
        await shot(admin.page, "story-admin-after.png"),
        await shot(user.page, "story-user-after.png"),
      ];

      // The README's pictures are refreshed only on request: each run has new users.
      const docs = (file: string) => (process.env.UPDATE_SCREENSHOTS ? [file] : []);
      await sideBySide(
        browser,
        "Before: the admin finds the user; the user's editors-only call is refused",
        [
          { caption: "Admin: “Find user”", file: before[0]! },
          { caption: "The user, in another browser: 403 Forbidden", file: before[1]! },
        ],
        "story-before.png",
        docs("docs/demo-before.png"),
      );
      await sideBySide(
        browser,
        "After “Grant editor”: the user's next call is let in, no reload",
        [
          { caption: "Admin: “Grant editor”", file: after[0]! },
          { caption: "The user: next call 200 OK, then “Refresh my role”", file: after[1]! },
        ],
        "story-after.png",
        docs("docs/demo-after.png"),
      );

      // Revoke editor: the user's next call is refused again, with the same token.
      await admin.page.getByRole("button", { name: "Revoke editor" }).click();
      await expect
        .poll(text(admin.page, "#status"), POLL)
        .toBe(`Revoked editor from ${userEmail}: roles user.`);
      expect(await admin.page.locator("#target-roles").textContent()).toBe("user");
      await user.page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(user.page, "#api-status"), POLL).toBe("403 Forbidden");

      // The look-up works from the keyboard; an unknown email is said so, next to the field.
      const unknown = testEmail("nobody");
      await admin.page.getByLabel("User's email").fill("");
      await admin.page.getByLabel("User's email").focus();
      await admin.page.keyboard.type(unknown);
      await admin.page.keyboard.press("Enter");
      await expect.poll(text(admin.page, "#status"), POLL).toBe(`No user has the email ${unknown}.`);
      expect(await admin.page.getByLabel("User's email").getAttribute("aria-invalid")).toBe("true");
      expect(await admin.page.locator("#target").isHidden()).toBe(true);

      // The admin section fits a phone-sized screen too.
      await admin.page.setViewportSize({ width: 375, height: 740 });
      const overflow = await admin.page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);

      // 401: the SDK's refresh attempt when a fresh page has no session yet.
      expect(unexpectedErrors(admin.log, [401, 404])).toEqual([]);
      expect(unexpectedErrors(user.log, [401, 403])).toEqual([]);
    } finally {
      await admin.context.close();
      await user.context.close();
    }
  });

  test("forgot password: the outbox link resets it, the old password is refused, other sessions end", async () => {
    const { context, page, log } = await openPage(browser);
    const other = await openPage(browser);
    explainOnFailure(log);
    explainOnFailure(other.log);
    const NEW_PASSWORD = "battery-staple-77";
    try {
      const email = testEmail("reset");
      // Signed in in another browser: the reset must end that session too.
      await signUp(other.page, demo!.url, email);
      await expect.poll(text(other.page, "#role"), POLL).toBe("user");

      // A reset page without a token says the link is invalid.
      await page.goto(`${demo!.url}/reset-password`);
      await page.locator("body[data-ready]").waitFor();
      expect(await page.locator("#status").textContent()).toMatch(/^The link is invalid/);
      expect(await page.locator("#reset-invalid").isVisible()).toBe(true);
      expect(await page.locator("#reset-form").isHidden()).toBe(true);

      // "Forgot password?" never says whether the account exists; the email shows up in the outbox panel.
      await page.goto(demo!.url);
      await page.locator("body[data-ready]").waitFor();
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByRole("button", { name: "Forgot password?" }).click();
      await expect
        .poll(text(page, "#status"), POLL)
        .toBe("If an account exists, a link is on its way (see the outbox).");
      const row = page.locator("#outbox-list li").filter({ hasText: email });
      await row.first().waitFor({ timeout: POLL.timeout });
      expect(await row.first().locator("strong").textContent()).toBe("password-reset");
      const link = row.first().getByRole("link");
      const href = (await link.getAttribute("href"))!;
      expect(href).toMatch(new RegExp(`^${demo!.url}/reset-password\\?token=`));
      await link.click();
      await page.waitForURL((url) => url.pathname === "/reset-password");
      await page.locator("body[data-ready]").waitFor();
      expect(await page.locator("#reset-form").isVisible()).toBe(true);
      // The reset view, outbox and all, fits a phone-sized screen.
      await page.setViewportSize({ width: 375, height: 740 });
      expect(
        await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth),
      ).toBeLessThanOrEqual(0);
      await page.setViewportSize({ width: 760, height: 720 });

      // A weak password: the backend's reason, under the field.
      await page.getByLabel("New password", { exact: true }).fill("short1");
      await page.getByLabel("Confirm new password").fill("short1");
      await page.getByRole("button", { name: "Change password" }).click();
      await expect.poll(text(page, "#new-password-error"), POLL).toMatch(/\S/);
      expect(await page.getByLabel("New password", { exact: true }).getAttribute("aria-invalid")).toBe(
        "true",
      );
      expect(await page.locator("#status").textContent()).toBe("Please fix the highlighted fields.");

      await page.getByLabel("New password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel("Confirm new password").fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Change password" }).click();
      await expect
        .poll(text(page, "#status"), POLL)
        .toBe("Password changed; you were signed out everywhere. Sign in with your new password.");
      expect(new URL(page.url()).pathname).toBe("/");
      expect(await page.locator("#auth").isVisible()).toBe(true);
      await screenshot(page, "browser-demo-password-changed.png");

      // The old password is refused, the new one works.
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(text(page, "#status"), POLL).toBe("Wrong email or password.");
      await page.getByLabel("Password", { exact: true }).fill(NEW_PASSWORD);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect.poll(text(page, "#status"), POLL).toBe("Signed in.");
      await expect.poll(text(page, "#role"), POLL).toBe("user");

      // The link is spent.
      await page.goto(href);
      await page.locator("body[data-ready]").waitFor();
      await page.getByLabel("New password", { exact: true }).fill("another-pass-99");
      await page.getByLabel("Confirm new password").fill("another-pass-99");
      await page.getByRole("button", { name: "Change password" }).click();
      await expect.poll(text(page, "#status"), POLL).toMatch(/^Link expired or already used/);

      // The other browser's session was revoked: its next token write fails, and the page shows it signed out.
      await other.page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(() => other.page.locator("#session").isHidden(), POLL).toBe(true);
      expect(await other.page.locator("#auth").isVisible()).toBe(true);

      expect(unexpectedErrors(log, [401])).toEqual([]);
    } finally {
      await context.close();
      await other.context.close();
    }
  });

  test("a user with 30 roles and 4,500 permissions stays signed in; the page reads the lists from the core", async () => {
    await onPage(async ({ context, page, log }) => {
      await createTeams(stack!.coreUrl);

      const email = testEmail("big");
      await signUp(page, demo!.url, email);
      await expect.poll(text(page, "#role"), POLL).toBe("user");
      expect(await page.locator("#roles-source").getAttribute("data-source")).toBe("token");
      const userId = (await page.locator("#user-id").textContent())!;
      for (const role of TEAMS) await addRoleToUser(stack!.coreUrl, userId, role);

      const updateRole = page.waitForResponse(
        (response) =>
          response.request().method() === "POST" && new URL(response.url()).pathname === "/update-role",
      );
      await page.getByRole("button", { name: "Refresh my role" }).click();
      const response = await updateRole;
      expect(response.status()).toBe(200);
      const issued = (await response.headerValues("set-cookie"))
        .find((cookie) => cookie.startsWith("sAccessToken="))
        ?.split(";")[0]!
        .slice("sAccessToken=".length);
      expect(issued).toBeTruthy();
      expect(bytes(issued!)).toBeLessThanOrEqual(COOKIE_BUDGET);
      const frontTokenHeader = response.headers()["front-token"]!;
      expect(frontTokenHeader).toBeTruthy();
      expect(bytes(frontTokenHeader)).toBeLessThanOrEqual(COOKIE_BUDGET);

      // The browser kept both cookies: none was dropped for its size.
      const cookies = await context.cookies(demo!.url);
      expect(cookies.find((c) => c.name === "sAccessToken")?.value).toBe(issued);
      const sFrontToken = cookies.find((c) => c.name === "sFrontToken");
      expect(sFrontToken).toBeDefined();
      expect(bytes(sFrontToken!.value)).toBeLessThanOrEqual(COOKIE_BUDGET);
      expect((await frontToken(context, demo!.url))?.up["compacted"]).toEqual(
        expect.arrayContaining(["st-perm"]),
      );

      // The token left the lists out: the page asked GET /session, which answered the core's.
      await expect.poll(text(page, "#status"), POLL).toMatch(/^Role refreshed from your new access token: /);
      const role = await page.locator("#role").textContent();
      expect(await page.locator("#roles-source").getAttribute("data-source")).toBe("core");
      expect(await page.locator("#roles-source").textContent()).toMatch(/^the core, via GET \/session/);
      expect(items(await page.locator("#roles").textContent())).toEqual(["user", ...TEAMS].sort());
      expect(await page.locator("#permissions").textContent()).toMatch(/^4,501 permissions: /);
      await screenshot(page, "browser-demo-big-user.png");

      // A reload keeps the session and shows the same.
      await page.reload();
      await page.locator("body[data-ready]").waitFor();
      await expect.poll(text(page, "#status"), POLL).toBe("Welcome back.");
      await expect.poll(text(page, "#role"), POLL).toBe(role);
      expect(await page.locator("#roles-source").getAttribute("data-source")).toBe("core");
      expect(items(await page.locator("#roles").textContent())).toHaveLength(31);

      await page.getByRole("button", { name: "Sign out" }).click();
      await expect.poll(text(page, "#status"), POLL).toBe("Signed out.");
      expect(await frontToken(context, demo!.url)).toBeUndefined();
      expect(unexpectedErrors(log, [401])).toEqual([]);
    });
  });

  test("the page is usable on a phone-sized screen", async () => {
    const { context, page } = await openPage(browser, { width: 375, height: 740 });
    try {
      await page.goto(demo!.url);
      await page.locator("body[data-ready]").waitFor();
      // Nothing wider than the screen, and the form works with the keyboard alone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.getByLabel("Email", { exact: true }).focus();
      await page.keyboard.type(testEmail("kbd"));
      await page.keyboard.press("Tab");
      await page.keyboard.type(PASSWORD);
      await page.keyboard.press("Enter"); // the form's first submit button: Sign up
      await expect.poll(text(page, "#role"), POLL).toBe("user");
      await screenshot(page, "browser-demo-phone.png");
    } finally {
      await context.close();
    }
  });

  test("/admin/ behind the edge gate: signed out → sign in and back, a user → 403 page, an admin → the page", async () => {
    const { page, log } = await openPage(browser);
    explainOnFailure(log);
    try {
      const admin = `${demo!.url}/admin/`;
      // Signed out: the gate sends the page to sign in, remembering where it was going.
      await page.goto(admin);
      expect(new URL(page.url()).pathname).toBe("/");
      expect(new URL(page.url()).searchParams.get("redirectToPath")).toBe("/admin/");
      await page.locator("body[data-ready]").waitFor();
      const email = testEmail("edge");
      await page.getByLabel("Email", { exact: true }).fill(email);
      await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
      // Signed up as a `user`, the page goes back to /admin/: the gate answers its 403 page.
      const forbidden = page.waitForResponse((response) => new URL(response.url()).pathname === "/admin/");
      await page.getByRole("button", { name: "Sign up" }).click();
      expect((await forbidden).status()).toBe(403);
      await expect.poll(text(page, "h1"), POLL).toBe("Forbidden");

      // Made admin, with the role written into the token: the gate lets the page through.
      await rolesCli(stack!.coreUrl, ["grant", email, "admin"]);
      await page.goto(demo!.url);
      await page.locator("body[data-ready]").waitFor();
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(text(page, "#role"), POLL).toBe("admin");
      const allowed = await page.goto(admin);
      expect(allowed?.status()).toBe(200);
      expect(await page.locator("h1").textContent()).toBe("Admin area");
    } finally {
      await page.context().close();
    }
  });
});

describe("short-lived access tokens", () => {
  let demo: DemoServer | undefined;
  let stack: Stack | undefined;

  beforeAll(async () => {
    ({ demo, stack } = await startDemoAndStack({ accessTokenValidity: 2 }));
  });

  afterAll(async () => {
    await stack?.close();
    await demo?.close();
  });

  test("an expired token at /admin/: the refresh page refreshes through the SDK and comes back", async () => {
    await onPage(async ({ context, page, log }) => {
      const email = testEmail("edge-expired");
      await signUp(page, demo!.url, email);
      await rolesCli(stack!.coreUrl, ["grant", email, "admin"]);
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(text(page, "#role"), POLL).toBe("admin");
      const expiry = (await frontToken(context, demo!.url))!.ate;
      await page.waitForTimeout(Math.max(0, expiry - Date.now()) + 500);
      const refreshesBefore = refreshRequests(log).length;

      await page.goto(`${demo!.url}/admin/?from=test`);
      await page.waitForURL((url) => url.pathname === "/admin/", POLL);
      expect(await page.locator("h1").textContent()).toBe("Admin area");
      expect(new URL(page.url()).search).toBe("?from=test");
      expect(log.navigations.some((url) => new URL(url).pathname === "/refresh-session")).toBe(true);
      expect(refreshRequests(log).length).toBe(refreshesBefore + 1);
    });
  });

  test("the SDK refreshes the session through /auth/session/refresh and the role survives", async () => {
    await onPage(async ({ context, page, log }) => {
      const email = testEmail("grace");
      await signUp(page, demo!.url, email);
      await expect.poll(text(page, "#role"), POLL).toBe("user");

      await rolesCli(stack!.coreUrl, ["grant", email, "editor"]);
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(text(page, "#role"), POLL).toBe("editor");
      await page.evaluate(() => {
        (window as unknown as { __marker: string }).__marker = "still here";
      });
      const navigationsBefore = log.navigations.length;
      const refreshesBefore = refreshRequests(log).length;
      const expiryBefore = (await frontToken(context, demo!.url))!.ate;

      // Let the 2 s access token expire, then use the session: the SDK refreshes it on its own.
      await page.waitForTimeout(Math.max(0, expiryBefore - Date.now()) + 500);
      await page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(page, "#api-status"), POLL).toBe("200 OK");

      const refreshes = refreshRequests(log).slice(refreshesBefore);
      expect(refreshes.length).toBeGreaterThanOrEqual(1);
      const refreshResponse = await refreshes[0]!.request.response();
      expect(refreshResponse?.status()).toBe(200);

      // The refreshed token still carries the role, and the page shows it without a reload.
      const after = await frontToken(context, demo!.url);
      expect(after!.ate).toBeGreaterThan(expiryBefore);
      expect(after!.up).toMatchObject({
        role: "editor",
        "st-role": { v: expect.arrayContaining(["editor"]) },
      });
      await expect.poll(text(page, "#role"), POLL).toBe("editor");
      expect(await page.evaluate(() => (window as unknown as { __marker?: string }).__marker)).toBe(
        "still here",
      );
      expect(log.navigations.length).toBe(navigationsBefore);
      await screenshot(page, "browser-demo-after-refresh.png");
    });
  });

  test("the demo server answers the outbox newest first, skips bad lines, and serves the link pages", async () => {
    // No email yet: no file, an empty outbox.
    const empty = await fetch(`${demo!.url}/outbox`);
    expect(empty.status).toBe(200);
    expect(empty.headers.get("cache-control")).toBe("no-store");
    expect(await empty.json()).toEqual([]);

    const older = {
      to: "a@example.com",
      type: "password-reset",
      link: `${demo!.url}/reset-password?token=A`,
      at: "2026-01-01T00:00:00.000Z",
    };
    const newer = {
      to: "b@example.com",
      type: "email-verification",
      link: `${demo!.url}/verify-email?token=B`,
      at: "2026-01-01T00:00:01.000Z",
    };
    await writeFile(
      stack!.outboxFile,
      `${JSON.stringify(older)}\n{half a line\n${JSON.stringify({ to: 1 })}\n${JSON.stringify(newer)}\n`,
    );
    try {
      const answer = await fetch(`${demo!.url}/outbox`);
      expect(answer.headers.get("content-type")).toMatch(/^application\/json/);
      expect(await answer.json()).toEqual([newer, older]);
    } finally {
      await rm(stack!.outboxFile, { force: true });
    }

    for (const path of ["/reset-password?token=A&tenantId=public", "/verify-email?token=B&tenantId=public"]) {
      const page = await fetch(`${demo!.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await page.text()).toContain('<meta name="api-domain"');
    }
  });

  test("a user with 30 roles: the SDK's refresh keeps the session and the new sAccessToken fits", async () => {
    await onPage(async ({ context, page, log }) => {
      await createTeams(stack!.coreUrl);
      await signUp(page, demo!.url, testEmail("big-refresh"));
      const userId = (await page.locator("#user-id").textContent())!;
      for (const role of TEAMS) await addRoleToUser(stack!.coreUrl, userId, role);
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(() => page.locator("#roles-source").getAttribute("data-source"), POLL).toBe("core");
      const refreshesBefore = refreshRequests(log).length;
      const expiryBefore = (await frontToken(context, demo!.url))!.ate;

      // Let the 2 s token expire; the next call makes the SDK refresh.
      await page.waitForTimeout(Math.max(0, expiryBefore - Date.now()) + 500);
      await page.getByRole("button", { name: "Refresh my role" }).click();
      await expect.poll(() => refreshRequests(log).length, POLL).toBeGreaterThan(refreshesBefore);
      const refresh = await refreshRequests(log)[refreshesBefore]!.request.response();
      expect(refresh?.status()).toBe(200);
      const issued = (await refresh!.headerValues("set-cookie"))
        .find((cookie) => cookie.startsWith("sAccessToken="))
        ?.split(";")[0]!
        .slice("sAccessToken=".length);
      expect(issued).toBeTruthy();
      expect(bytes(issued!)).toBeLessThanOrEqual(COOKIE_BUDGET);

      await expect.poll(text(page, "#status"), POLL).toMatch(/^Role refreshed from your new access token: /);
      expect(await page.locator("#session").isVisible()).toBe(true);
      expect(items(await page.locator("#roles").textContent())).toHaveLength(31);
      const after = await frontToken(context, demo!.url);
      expect(after!.ate).toBeGreaterThan(expiryBefore);
      const cookie = (await context.cookies(demo!.url)).find((c) => c.name === "sAccessToken");
      expect(bytes(cookie!.value)).toBeLessThanOrEqual(COOKIE_BUDGET);
    });
  });
});

describe("email verification required", () => {
  let demo: DemoServer | undefined;
  let stack: Stack | undefined;

  beforeAll(async () => {
    ({ demo, stack } = await startDemoAndStack({ env: { EMAIL_VERIFICATION: "required" } }));
  });

  afterAll(async () => {
    await stack?.close();
    await demo?.close();
  });

  test("an unverified editor is told to verify; the outbox link verifies the email and lets them in", async () => {
    await onPage(async ({ page, log }) => {
      const email = testEmail("verify");
      await signUp(page, demo!.url, email);
      await expect.poll(() => page.locator("#verify-banner").isVisible(), POLL).toBe(true);

      // An editor, but unverified: editors-only refuses with the st-ev claim, and the page says what to do.
      await rolesCli(stack!.coreUrl, ["grant", email, "editor"]);
      await page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(page, "#api-status"), POLL).toBe("403 Forbidden");
      expect(await page.locator("#status").textContent()).toBe(
        "Protected API answered 403 Forbidden. Verify your email to use this.",
      );

      await page.getByRole("button", { name: "Send verification email" }).click();
      await expect.poll(text(page, "#status"), POLL).toBe("Verification email sent (see the outbox).");
      const row = page.locator("#outbox-list li").filter({ hasText: email });
      await row.first().waitFor({ timeout: POLL.timeout });
      expect(await row.first().locator("strong").textContent()).toBe("email-verification");
      const link = row.first().getByRole("link");
      const href = (await link.getAttribute("href"))!;
      await link.click();
      await page.waitForURL((url) => url.pathname === "/verify-email" || url.pathname === "/");
      await page.locator("body[data-ready]").waitFor();
      await expect.poll(text(page, "#verify-result"), POLL).toBe("Email verified.");
      expect(await page.locator("#status").textContent()).toBe("Email verified.");
      // The page dropped the spent token from the address bar.
      expect(new URL(page.url()).pathname).toBe("/");

      // Verified: the next call is let in, and the banner is gone.
      await page.getByRole("button", { name: "Call protected API" }).click();
      await expect.poll(text(page, "#api-status"), POLL).toBe("200 OK");
      await expect.poll(() => page.locator("#verify-banner").isHidden(), POLL).toBe(true);

      // The link works once.
      await page.goto(href);
      await page.locator("body[data-ready]").waitFor();
      await expect
        .poll(text(page, "#verify-result"), POLL)
        .toBe("This verification link has expired or was already used.");

      expect(unexpectedErrors(log, [401, 403])).toEqual([]);
    });
  });
});
