// Browser helpers for the e2e tests: Debian's chromium through playwright-core (never `playwright install`).
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page, type Request } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const TEST_OUTPUT = join(ROOT, "test-output");
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no chromium at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH (never "playwright install")`,
    );
  }
  // chromium.launch gives every launch a fresh temporary profile.
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** What a page did, for assertions: requests (with their responses' status), main-frame navigations, errors. */
export interface PageLog {
  requests: { method: string; url: string; request: Request }[];
  /** One line per response (API bodies included, cut short): printed when a test fails. */
  responses: string[];
  navigations: string[];
  errors: string[];
}

export async function openPage(
  browser: Browser,
  viewport = { width: 760, height: 720 },
): Promise<{ context: BrowserContext; page: Page; log: PageLog }> {
  const context = await browser.newContext({ viewport, colorScheme: "light", locale: "en-US" });
  const page = await context.newPage();
  const log: PageLog = { requests: [], responses: [], navigations: [], errors: [] };
  const started = Date.now();
  page.on("request", (request) =>
    log.requests.push({ method: request.method(), url: request.url(), request }),
  );
  page.on("response", async (response) => {
    const request = response.request();
    const at = `+${Date.now() - started}ms`;
    const line = `${at} ${request.method()} ${response.url()} -> ${response.status()}`;
    const isApi = request.resourceType() === "fetch" && request.method() !== "OPTIONS";
    if (!isApi) return void log.responses.push(line);
    const headers = response.headers();
    const frontToken = headers["front-token"] ? ` front-token=${headers["front-token"].slice(0, 12)}…` : "";
    const body = await response.text().catch(() => "(no body)");
    log.responses.push(`${line}${frontToken} ${body.slice(0, 300)}`);
  });
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) log.navigations.push(frame.url());
  });
  page.on("pageerror", (error) => log.errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") log.errors.push(`console: ${message.text()}`);
  });
  return { context, page, log };
}

/** The SDK's `sFrontToken` cookie (its copy of the `front-token` header), decoded: `{ uid, ate, up }`. */
export async function frontToken(
  context: BrowserContext,
  pageUrl: string,
): Promise<{ uid: string; ate: number; up: Record<string, unknown> } | undefined> {
  const cookie = (await context.cookies(pageUrl)).find((c) => c.name === "sFrontToken");
  if (!cookie) return undefined;
  return JSON.parse(Buffer.from(decodeURIComponent(cookie.value), "base64").toString("utf8"));
}

/** `tsx scripts/roles.ts <args>` against a core, as a user would run it; resolves with its stdout. */
export function rolesCli(coreUrl: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/roles.ts", ...args], {
      cwd: ROOT,
      env: { ...process.env, SUPERTOKENS_CONNECTION_URI: coreUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0
        ? resolve(stdout.trim())
        : reject(new Error(`roles ${args.join(" ")} exited ${code}: ${stderr.trim() || stdout.trim()}`)),
    );
  });
}

/** A free TCP port (the tiny race before someone binds it is acceptable in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === "object" ? resolve(address.port) : reject(new Error("no free port")),
      );
    });
  });
}

/** Saves a full-page screenshot under test-output/ (and wherever else `copies` says, relative to the repo). */
export async function screenshot(page: Page, name: string, copies: string[] = []): Promise<string> {
  const file = join(TEST_OUTPUT, name);
  await mkdir(TEST_OUTPUT, { recursive: true });
  const image = await page.screenshot({ path: file, fullPage: true, animations: "disabled", caret: "hide" });
  for (const copy of copies) {
    const target = join(ROOT, copy);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, image);
  }
  return file;
}

/** A unique, readable email for a test user. */
export function testEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}
