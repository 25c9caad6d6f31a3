// The whole loop in a real browser: the demo page (supertokens-web-js) on one origin, the functions under
// sls offline on another, a role granted with the CLI, and the page reading it from the new access token.

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, onTestFailed, test } from "vitest";
import { type DemoServer, serveDemo } from "../../scripts/serve-demo.ts";
import {
  freePort,
  frontToken,
  launchBrowser,
  openPage,
  type PageLog,
  rolesCli,
  screenshot,
  testEmail,
} from "./helpers/browser.ts";
import { type Stack, startStack } from "./helpers/stack.ts";

const PASSWORD = "correct-horse-42";
/** A function's first call under sls offline loads it (a cold start): give the page time. */
const POLL = { timeout: 15_000, interval: 100 };

/** The page and the API on different ports of localhost: cross-origin (CORS) but same-site (cookies). */
async function startDemoAndStack(options: { accessTokenValidity?: number } = {}) {
  const apiPort = await freePort();
  const demo = await serveDemo({ port: 0, apiDomain: `http://localhost:${apiPort}` });
  try {
    const stack = await startStack({ port: apiPort, websiteDomain: demo.url, ...options });
    return { demo, stack };
  } catch (error) {
    await demo.close();
    throw error;
  }
}

async function signUp(page: Page, url: string, email: string): Promise<void> {
  await page.goto(url);
  await page.locator("body[data-ready]").waitFor();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
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
    const { context, page, log } = await openPage(browser);
    explainOnFailure(log);
    try {
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

      // The README's picture is refreshed only on request: each run has a new user id and port.
      await screenshot(
        page,
        "browser-demo-editor.png",
        process.env.UPDATE_SCREENSHOTS ? ["docs/demo.png"] : [],
      );

      // The protected API accepts the session.
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
      expect(log.errors.filter((line) => !/status of 401/.test(line))).toEqual([]);
    } finally {
      await context.close();
    }
  });

  test("the page shows the role from the access token, not from the JSON body", async () => {
    const { context, page, log } = await openPage(browser);
    explainOnFailure(log);
    try {
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
    } finally {
      await context.close();
    }
  });

  test("the page is usable on a phone-sized screen", async () => {
    const { context, page } = await openPage(browser, { width: 375, height: 740 });
    try {
      await page.goto(demo!.url);
      await page.locator("body[data-ready]").waitFor();
      // Nothing wider than the screen, and the form works with the keyboard alone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.getByLabel("Email").focus();
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

  test("the SDK refreshes the session through /auth/session/refresh and the role survives", async () => {
    const { context, page, log } = await openPage(browser);
    explainOnFailure(log);
    try {
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
    } finally {
      await context.close();
    }
  });
});
