// HTTP front: origin and API key checks, JSON bodies, app/tenant lookup, durable answers, fault
// injection, request log, error mapping.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { apiKeyMatches } from "./api-key.ts";
import { appOrTenantNotFound, HttpError } from "./errors.ts";
import { hostAllowed, hostRefusal } from "./host.ts";
import { allowCors, originAllowed } from "./origin.ts";
import { BodyTooLarge, declaresBody, isJsonContentType, parseJsonBody, readBody } from "./request-body.ts";
import type { RequestContext, Router } from "./router.ts";
import type { Store } from "./store.ts";

const MAX_LOG = 10_000;
/** Logged paths are cut here, so a flood of long paths cannot grow the log by megabytes. */
const MAX_LOGGED_PATH = 1024;

export type Fault = "500" | "garbage" | null;

export interface LoggedRequest {
  method: string;
  path: string;
  appId: string;
  status: number;
  time: number;
}

export interface ServerControls {
  delayMs: number;
  fault: Fault;
  log: LoggedRequest[];
  /** Total requests ever answered (the log may be cleared). */
  count: number;
  /** Origins whose (browser) requests are served; any other request carrying `Origin` gets a 403. */
  allowOrigins: string[];
  /** `Host` names served besides localhost, 127.0.0.1 and [::1] with the core's port (`*`: any). */
  allowedHosts: string[];
}

const TEXT = "text/html; charset=UTF-8";
const JSON_TYPE = "application/json; charset=UTF-8";

function send(res: ServerResponse, status: number, type: string, body: string, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    ...(close ? { connection: "close" } : {}),
  });
  res.end(body);
}

const sendText = (res: ServerResponse, status: number, message: string, close = false): void =>
  send(res, status, TEXT, `${message}\n`, close);

const sendJson = (res: ServerResponse, body: unknown): void =>
  send(res, 200, "application/json; charset=UTF-8", JSON.stringify(body));

/** How long a client may take to send its headers, and its whole request, and how many may be connected. */
export interface ConnectionLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const DEFAULT_LIMITS: ConnectionLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  maxConnections: 1024,
};

export function createCoreServer(
  store: Store,
  router: Router,
  controls: ServerControls,
  limits: ConnectionLimits = DEFAULT_LIMITS,
): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    // A request target like `//` is no valid URL path: a 400, not a 500 that echoes the error.
    const url = URL.parse(req.url ?? "/", "http://core");
    const entry: LoggedRequest = {
      method,
      path: (url?.pathname ?? String(req.url)).slice(0, MAX_LOGGED_PATH),
      appId: "public",
      status: 0,
      time: Date.now(),
    };
    controls.log.push(entry);
    // Bounded so a long-running core does not grow without limit.
    if (controls.log.length > MAX_LOG) controls.log.splice(0, controls.log.length - MAX_LOG);
    controls.count += 1;
    res.on("finish", () => {
      entry.status = res.statusCode;
    });
    // Before anything else: a rebound page (Host: attacker.example) must not reach a keyless core.
    if (!hostAllowed(req.headers.host, req.socket.localPort ?? 0, controls.allowedHosts))
      return send(res, 403, JSON_TYPE, hostRefusal(req.headers.host, "--allowed-hosts to add names"));
    if (url === null) return sendText(res, 400, "Invalid request path");
    if (controls.delayMs > 0) await new Promise((r) => setTimeout(r, controls.delayMs));
    if (controls.fault === "500") return sendText(res, 500, "Internal Error");
    if (controls.fault === "garbage")
      return send(res, 200, "application/json; charset=UTF-8", '{"status":"OK",<<garbage');

    // A browser page on another site can reach a core on localhost; only listed origins get through.
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!originAllowed(controls.allowOrigins, origin)) return sendText(res, 403, "Origin not allowed");
      allowCors(res, origin);
      if (method === "OPTIONS") return send(res, 204, TEXT, "");
    }

    const resolution = router.resolve(method, url.pathname);
    if (resolution.kind === "method-not-allowed") return sendText(res, 405, "Method not supported");
    if (resolution.kind === "not-found") {
      return send(
        res,
        404,
        "application/json; charset=UTF-8",
        JSON.stringify({ message: `no such endpoint: ${method} ${url.pathname}` }),
      );
    }
    const { route, appId, tenantId } = resolution;
    entry.appId = appId;
    // The key is checked before any body is read; an unknown app is guarded by the base app's key.
    const app = store.app(appId);
    const key = req.headers["api-key"] ?? req.headers.authorization;
    if (route.checkApiKey && !apiKeyMatches(store.apiKeys(app), key))
      return sendText(res, 401, "Invalid API key");
    if (app === undefined || !app.tenants.has(tenantId)) {
      const err = appOrTenantNotFound(appId, tenantId);
      return sendText(res, err.status, err.message);
    }
    let body: unknown;
    if (method !== "GET") {
      // A form or text/plain body is what a cross-site page can send without a preflight.
      if (declaresBody(req) && !isJsonContentType(req.headers["content-type"]))
        return sendText(res, 415, "Content-Type must be application/json");
      let rawBody: string;
      try {
        rawBody = await readBody(req);
      } catch (error) {
        if (error instanceof BodyTooLarge) return sendText(res, 413, "Request body too large", true);
        throw error;
      }
      body = parseJsonBody(rawBody);
    }
    const config = store.config(app);
    const cdiHeader = req.headers["cdi-version"];
    const ctx: RequestContext = {
      store,
      app,
      config,
      appId,
      tenantId,
      body,
      query: url.searchParams,
      cdiVersion: typeof cdiHeader === "string" && cdiHeader !== "" ? cdiHeader : undefined,
      rid: typeof req.headers.rid === "string" ? req.headers.rid : undefined,
    };
    const version = store.version;
    const keys = app.dynamicKeys;
    const result = await route.handler(ctx);
    // A key rotated while signing (keys.ts replaces the list) is state too: tokens depend on it.
    if (app.dynamicKeys !== keys) store.changed();
    // Answer only once the change is on disk: a failed save fails this request (a 500 below).
    if (store.version !== version) await store.commit();
    if (typeof result === "string") return sendText(res, 200, result);
    sendJson(res, result);
  };

  // Node's defaults hold a slow sender for 300 s and check only every 30 s: a few slow-body clients
  // would hold the core. Past a timeout Node answers 408 and closes; past the cap it drops the socket.
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(1000, limits.headersTimeoutMs / 2)),
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (error instanceof HttpError) return sendText(res, error.status, error.message);
        // A client dropped (or timed out) mid-request: nobody to answer, nothing to report.
        if (req.socket.destroyed) return;
        // Details go to the log, not to the client.
        console.error("local core: request failed", error);
        sendText(res, 500, "Internal Error");
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function stopListening(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
