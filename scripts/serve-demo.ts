/**
 * A tiny static server for the demo page (public/), for `npm start` and the browser test.
 * It rewrites the page's `<meta name="api-domain">` so the page talks to the API it is given.
 * `GET /outbox` answers the functions' kept emails (the `outboxFile` option), for the page's outbox panel, and
 * `/reset-password` and `/verify-email` (where those emails' links land) are the page itself.
 * `tsx scripts/serve-demo.ts [--port 3001] [--api http://localhost:3000] [--host 127.0.0.1] [--outbox .data/outbox.jsonl]`
 * runs it alone.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { hostAllowed, hostList, hostRefusal } from "../local-core/host.ts";
import { buildDemo, PUBLIC_DIR } from "./build-demo.ts";
import { demoGate } from "./demo-edge-gate.ts";

export interface ServeDemoOptions {
  /** 0 picks a free port. */
  port: number;
  /** The API's origin, e.g. http://localhost:3000, or "same-origin". */
  apiDomain: string;
  /**
   * Interface to listen on: `DEMO_HOST` from the environment, else 127.0.0.1 (loopback only; browsers
   * and Node reach it as `localhost`). Set `0.0.0.0` or `::` to expose the page to the network.
   */
  host?: string;
  /** Bundle public/src/app.ts first (default true). */
  build?: boolean;
  /**
   * The functions' OUTBOX_FILE (JSON lines `{to,type,link,at}`): `GET /outbox` answers it, newest first, for
   * the page's outbox panel. Without it `/outbox` is a 404 and the page hides the panel.
   */
  outboxFile?: string;
  /** `Host` names served besides localhost, 127.0.0.1 and [::1] with the port: default `DEMO_ALLOWED_HOSTS` (`*`: any). */
  allowedHosts?: string[];
}

export interface DemoServer {
  /** http://localhost:<port>: use this origin as the API's WEBSITE_DOMAIN. */
  url: string;
  port: number;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ico": "image/x-icon",
  ".txt": "text/plain; charset=utf-8",
};

/** Paths of the page itself: the email links land on these, and the page reads the token from the query. */
const PAGE_ROUTES = new Set(["/reset-password", "/verify-email", "/refresh-session"]);

/** One email of the outbox, as the functions wrote it (src/email/outbox.ts). */
export interface OutboxEntry {
  to: string;
  type: string;
  link: string;
  at: string;
}

function isOutboxEntry(value: unknown): value is OutboxEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Record<string, unknown>;
  return ["to", "type", "link", "at"].every((key) => typeof entry[key] === "string");
}

/** The outbox file's emails, newest first; a missing file is an empty outbox, and a bad line is skipped. */
export async function readOutbox(file: string): Promise<OutboxEntry[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const entries: OutboxEntry[] = [];
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const parsed: unknown = JSON.parse(line);
      if (isOutboxEntry(parsed))
        entries.push({ to: parsed.to, type: parsed.type, link: parsed.link, at: parsed.at });
    } catch {
      // A half-written or foreign line: not an email.
    }
  }
  // Lines are appended in the order they were sent: the last is the newest. Equal times keep that order.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => b.entry.at.localeCompare(a.entry.at) || b.index - a.index)
    .map(({ entry }) => entry);
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** index.html with the api-domain meta set to `apiDomain`. */
export function injectApiDomain(html: string, apiDomain: string): string {
  const meta = /<meta\s+name="api-domain"\s+content="[^"]*"\s*\/?>/;
  if (!meta.test(html)) throw new Error('public/index.html has no <meta name="api-domain" content="...">');
  return html.replace(meta, `<meta name="api-domain" content="${escapeAttribute(apiDomain)}" />`);
}

function contentSecurityPolicy(apiDomain: string): string {
  const api = apiDomain === "same-origin" ? "" : ` ${new URL(apiDomain).origin}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${api}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** Maps a URL path to a file under public/, or undefined if it is not one we serve. */
function resolveFile(urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (path.endsWith("/")) path += "index.html";
  const file = normalize(join(PUBLIC_DIR, path));
  if (!file.startsWith(PUBLIC_DIR) || file.split(sep).some((part) => part.startsWith("."))) return undefined;
  if (!(extname(file) in TYPES)) return undefined;
  return file;
}

const DEFAULT_HOST = "127.0.0.1";

/** The interface to bind: the option, else `DEMO_HOST`, else loopback. */
export function demoHost(host?: string): string {
  return host ?? (process.env["DEMO_HOST"]?.trim() || DEFAULT_HOST);
}

export async function serveDemo(options: ServeDemoOptions): Promise<DemoServer> {
  const { apiDomain } = options;
  if (apiDomain !== "same-origin") new URL(apiDomain); // throws on a bad URL, before anything listens
  if (options.build ?? true) await buildDemo();
  const csp = contentSecurityPolicy(apiDomain);
  // /admin/ behind the edge gate, as on Netlify or CloudFront ("Gate pages at the edge" in the README).
  let edgeGate: ReturnType<typeof demoGate> | undefined;

  const allowedHosts = options.allowedHosts ?? hostList(process.env["DEMO_ALLOWED_HOSTS"]);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const baseHeaders = {
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    };
    // DNS rebinding: a page whose name re-resolves here must not read the outbox's reset links.
    if (!hostAllowed(request.headers.host, request.socket.localPort ?? 0, allowedHosts)) {
      const body = hostRefusal(request.headers.host, "DEMO_ALLOWED_HOSTS to add names");
      response
        .writeHead(403, { ...baseHeaders, "content-type": "application/json; charset=utf-8" })
        .end(body);
      return;
    }
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { ...baseHeaders, allow: "GET, HEAD" }).end();
      return;
    }
    const { pathname } = new URL(request.url ?? "/", "http://localhost");
    edgeGate ??= demoGate(apiDomain === "same-origin" ? `http://localhost:${port}` : apiDomain);
    const refused = await edgeGate(request);
    if (refused)
      return void response
        .writeHead(refused.status, { ...baseHeaders, ...refused.headers })
        .end(refused.body);
    if (pathname === "/outbox") {
      if (!options.outboxFile) {
        response
          .writeHead(404, { ...baseHeaders, "content-type": "text/plain; charset=utf-8" })
          .end("not found");
        return;
      }
      const body = JSON.stringify(await readOutbox(options.outboxFile));
      response.writeHead(200, {
        ...baseHeaders,
        "content-type": "application/json; charset=utf-8",
        "content-length": Buffer.byteLength(body),
      });
      response.end(request.method === "HEAD" ? undefined : body);
      return;
    }
    const file = resolveFile(PAGE_ROUTES.has(pathname) ? "/" : pathname);
    let body: Buffer | string;
    try {
      if (!file) throw Object.assign(new Error("not served"), { code: "ENOENT" });
      body = await readFile(file);
    } catch (error) {
      const missing =
        (error as NodeJS.ErrnoException).code === "ENOENT" ||
        (error as NodeJS.ErrnoException).code === "EISDIR";
      response
        .writeHead(missing ? 404 : 500, { ...baseHeaders, "content-type": "text/plain; charset=utf-8" })
        .end(missing ? "not found" : "server error");
      return;
    }
    const type = TYPES[extname(file!)]!;
    if (type.startsWith("text/html")) body = injectApiDomain(body.toString("utf8"), apiDomain);
    response.writeHead(200, {
      ...baseHeaders,
      "content-type": type,
      "content-length": Buffer.byteLength(body),
      ...(type.startsWith("text/html") ? { "content-security-policy": csp } : {}),
    });
    response.end(request.method === "HEAD" ? undefined : body);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, demoHost(options.host), () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "3001" },
      api: { type: "string", default: "http://localhost:3000" },
      host: { type: "string" },
      outbox: { type: "string" },
    },
  });
  const demo = await serveDemo({
    port: Number(values.port),
    apiDomain: values.api,
    host: values.host,
    outboxFile: values.outbox,
  });
  console.log(`demo page: ${demo.url} (API ${values.api})`);
  const stop = () => void demo.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
