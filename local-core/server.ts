// HTTP front: body limits, API keys, app/tenant lookup, fault injection, request log, error mapping.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { appOrTenantNotFound, HttpError } from "./errors.ts";
import type { RequestContext, Router } from "./router.ts";
import type { Store } from "./store.ts";

export const MAX_BODY_BYTES = 1024 * 1024;
const MAX_LOG = 10_000;

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
}

const TEXT = "text/html; charset=UTF-8";

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

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners("data");
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "Invalid Json Input");
  }
}

const apiKeyOk = (keys: string[], header: string | string[] | undefined): boolean =>
  keys.length === 0 || (typeof header === "string" && keys.includes(header.trim()));

export function createCoreServer(store: Store, router: Router, controls: ServerControls): Server {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    // A request target like `//` is no valid URL path: a 400, not a 500 that echoes the error.
    const url = URL.parse(req.url ?? "/", "http://core");
    const entry: LoggedRequest = {
      method,
      path: url?.pathname ?? String(req.url),
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
    if (url === null) return sendText(res, 400, "Invalid request path");
    if (controls.delayMs > 0) await new Promise((r) => setTimeout(r, controls.delayMs));
    if (controls.fault === "500") return sendText(res, 500, "Internal Error");
    if (controls.fault === "garbage")
      return send(res, 200, "application/json; charset=UTF-8", '{"status":"OK",<<garbage');

    const resolution = router.resolve(method, url.pathname);
    if (resolution.kind === "method-not-allowed") return sendText(res, 405, "Method not supported");
    if (resolution.kind === "not-found") {
      res.statusCode = 404;
      return send(
        res,
        404,
        "application/json; charset=UTF-8",
        JSON.stringify({ message: `no such endpoint: ${method} ${url.pathname}` }),
      );
    }
    const { route, appId, tenantId } = resolution;
    entry.appId = appId;
    let rawBody: string;
    try {
      rawBody = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendText(res, 413, "Request body too large", true);
      throw error;
    }
    const app = store.app(appId);
    if (app === undefined) {
      const err = appOrTenantNotFound(appId, tenantId);
      return sendText(res, err.status, err.message);
    }
    const config = store.config(app);
    if (route.checkApiKey && !apiKeyOk(config.apiKeys, req.headers["api-key"] ?? req.headers.authorization)) {
      return sendText(res, 401, "Invalid API key");
    }
    if (app.tenants[tenantId] === undefined) {
      const err = appOrTenantNotFound(appId, tenantId);
      return sendText(res, err.status, err.message);
    }
    const cdiHeader = req.headers["cdi-version"];
    const ctx: RequestContext = {
      store,
      app,
      config,
      appId,
      tenantId,
      body: method === "GET" ? undefined : parseJson(rawBody),
      query: url.searchParams,
      cdiVersion: typeof cdiHeader === "string" && cdiHeader !== "" ? cdiHeader : undefined,
    };
    const result = await route.handler(ctx);
    if (typeof result === "string") return sendText(res, 200, result);
    sendJson(res, result);
  };

  return createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof HttpError) return sendText(res, error.status, error.message);
      console.error("local core: request failed", error);
      sendText(res, 500, String(error));
    });
  });
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
