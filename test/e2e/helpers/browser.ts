// Browser helpers for the e2e tests: a Chromium driven by playwright-core (never `playwright install`):
// CHROMIUM_PATH, else the system's, else the one inside the @sparticuz/chromium devDependency.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, type BrowserContext, chromium, type Page, type Request } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const TEST_OUTPUT = join(ROOT, "test-output");

/** Every launch: no sandbox (containers run as root), nothing talking to Google in the background. */
const COMMON_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// @sparticuz/chromium's flags are for Lambda. These would break Playwright or switch off what the
// test checks (CORS between the page's origin and the API's, site isolation).
const UNWANTED_PACKAGED_ARGS = [
  "--single-process", // the whole browser ends when the first context closes
  "--disable-web-security",
  "--allow-running-insecure-content",
  "--disable-site-isolation-trials",
  "--disable-features=", // IsolateOrigins,site-per-process; it would also replace Playwright's own list
];

interface Chromium {
  executablePath: string;
  args: string[];
  /** For error messages: where it came from. */
  source: string;
  /** The major version it must report, when known (the packaged one caches its binary in /tmp). */
  major?: number;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const file = join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

async function findChromium(): Promise<Chromium> {
  const explicit = process.env.CHROMIUM_PATH;
  if (explicit) {
    if (existsSync(explicit)) return { executablePath: explicit, args: COMMON_ARGS, source: "CHROMIUM_PATH" };
    throw new Error(`CHROMIUM_PATH=${explicit} does not exist`);
  }
  const system = ["/usr/bin/chromium", onPath("chromium")].find((file) => file && existsSync(file));
  if (system) return { executablePath: system, args: COMMON_ARGS, source: system };
  try {
    const { default: packaged } = await import("@sparticuz/chromium");
    // Unpacks its brotli-compressed Chromium into the temp dir once (~3 s), then reuses it.
    const executablePath = await packaged.executablePath();
    const args = packaged.args.filter((arg) => !UNWANTED_PACKAGED_ARGS.some((bad) => arg.startsWith(bad)));
    const { version } = JSON.parse(
      await readFile(join(ROOT, "node_modules/@sparticuz/chromium/package.json"), "utf8"),
    ) as { version: string };
    return {
      executablePath,
      args: [...args, ...COMMON_ARGS],
      source: `@sparticuz/chromium@${version} (${executablePath})`,
      major: Number.parseInt(version, 10),
    };
  } catch (error) {
    throw new Error(
      `no Chromium for the browser test: CHROMIUM_PATH is not set, neither /usr/bin/chromium nor chromium on PATH exists, and @sparticuz/chromium failed (${error instanceof Error ? error.message : String(error)}). Run npm install, install chromium, or set CHROMIUM_PATH (never "playwright install").`,
    );
  }
}

export async function launchBrowser(): Promise<Browser> {
  const found = await findChromium();
  // chromium.launch gives every launch a fresh temporary profile.
  const browser = await chromium
    .launch({ executablePath: found.executablePath, headless: true, args: found.args })
    .catch((error: Error) => {
      throw new Error(`could not launch ${found.source}: ${error.message}`);
    });
  const major = Number.parseInt(browser.version(), 10);
  if (found.major !== undefined && major !== found.major) {
    await browser.close();
    throw new Error(
      `${found.source} is Chromium ${browser.version()}, not ${found.major}: another version left it there; delete it and run again`,
    );
  }
  return browser;
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

/**
 * Saves a full-page screenshot under test-output/ (and wherever else `copies` says, relative to the repo).
 * `hide` lists selectors left out of the picture (e.g. the footer's API line, which names a test port).
 */
export async function screenshot(
  page: Page,
  name: string,
  copies: string[] = [],
  options: { hide?: string[] } = {},
): Promise<string> {
  const file = join(TEST_OUTPUT, name);
  await mkdir(TEST_OUTPUT, { recursive: true });
  // The `hidden` property, not screenshot's `style` option: the page's CSP refuses injected <style>.
  const hide = (hidden: boolean) =>
    Promise.all(
      (options.hide ?? []).map((selector) =>
        page.locator(selector).evaluateAll((elements, value) => {
          for (const element of elements) (element as HTMLElement).hidden = value;
        }, hidden),
      ),
    );
  await hide(true);
  try {
    const image = await page.screenshot({
      path: file,
      fullPage: true,
      animations: "disabled",
      caret: "hide",
    });
    await copyTo(image, copies);
  } finally {
    await hide(false);
  }
  return file;
}

async function copyTo(image: Buffer, copies: string[]): Promise<void> {
  for (const copy of copies) {
    const target = join(ROOT, copy);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, image);
  }
}

/**
 * Screenshots (files under test-output/) side by side under a title, each with its caption, drawn by
 * the browser itself into one PNG: no image library needed.
 */
export async function sideBySide(
  browser: Browser,
  title: string,
  panels: { caption: string; file: string }[],
  name: string,
  copies: string[] = [],
): Promise<string> {
  const images = await Promise.all(panels.map(async ({ file }) => readFile(file)));
  // A PNG's width is the first field of its IHDR chunk, at byte 16.
  const width = images.reduce((sum, image) => sum + image.readUInt32BE(16), 0) + 16 * (panels.length + 1);
  const escapeHtml = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const figures = panels
    .map(
      ({ caption }, index) =>
        `<figure><figcaption>${escapeHtml(caption)}</figcaption><img alt="" src="data:image/png;base64,${images[index]!.toString("base64")}"></figure>`,
    )
    .join("");
  const context = await browser.newContext({ viewport: { width, height: 200 }, colorScheme: "light" });
  try {
    const page = await context.newPage();
    await page.setContent(
      `<!doctype html><style>
        body { margin: 0; padding: 12px 16px 16px; background: #e9ecef; color: #1b1f24; font: 15px system-ui, sans-serif; }
        h1 { font-size: 17px; margin: 0 0 10px; }
        .row { display: flex; gap: 16px; align-items: flex-start; }
        figure { margin: 0; }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        img { display: block; border: 1px solid #c4ccd4; }
      </style><h1>${escapeHtml(title)}</h1><div class="row">${figures}</div>`,
      { waitUntil: "load" },
    );
    const file = join(TEST_OUTPUT, name);
    const image = await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
    await copyTo(image, copies);
    return file;
  } finally {
    await context.close();
  }
}

/** A unique, readable email for a test user. */
export function testEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}@example.com`;
}
