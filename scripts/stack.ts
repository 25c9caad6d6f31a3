/** The local stack: local core + roles seeded + the built functions under sls offline or Netlify. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalCore, startLocalCore } from "../local-core/index.ts";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface StackOptions {
  /** Port of the functions; 0 picks a free one. */
  port?: number;
  /** Port of the local core; 0 picks a free one. */
  corePort?: number;
  /** sls offline's Lambda invoke endpoint (serverless.yml says 3002); 0 or unset picks a free one. */
  lambdaPort?: number;
  platform?: "sls" | "netlify";
  /** Origin of the page that calls the API (CORS). */
  websiteDomain?: string;
  /** Access token lifetime in the local core, in seconds. */
  accessTokenValidity?: number;
  /** Persist the core's state in this file. */
  dataFile?: string;
  /** Where the bundles are built and served from; a separate folder keeps parallel stacks apart. */
  outDir?: string;
  /** Skip `npm run build` (the caller built already). */
  skipBuild?: boolean;
  /**
   * The functions' emails (reset, verification links) go here, one JSON line each, instead of being
   * sent (OUTBOX_FILE): a stack never mails anyone. Default `<outDir>/outbox.jsonl`.
   */
  outboxFile?: string;
  /** More environment for the functions, e.g. `{ EMAIL_VERIFICATION: "required" }`. */
  env?: Record<string, string>;
  /** Where the children's output goes; silent by default. */
  log?: (line: string) => void;
}

export interface Stack {
  apiUrl: string;
  coreUrl: string;
  core: LocalCore;
  /** OUTBOX_FILE of the functions. */
  outboxFile: string;
  /** Each built function's routes (`GET /session`), from the build's manifest; preflights left out. */
  routes(): Promise<Record<string, string[]>>;
  /**
   * Rebuilds the functions and restarts their server on the same port (the core keeps running), so a
   * new or changed function is served. A failed build throws and leaves the running server as it was.
   */
  reload(): Promise<void>;
  close(): Promise<void>;
}

/** The line a function prints for each email it keeps in the outbox (src/email/outbox.ts). */
export const OUTBOX_LINE = /outbox: \S+ for \S+: \S+/;

/**
 * Whether serverless.yml hands OUTBOX_FILE to the functions: sls offline passes only the variables
 * it names, and without this one the functions would mail through SuperTokens' service.
 */
export function slsPassesOutbox(): boolean {
  return /^\s+OUTBOX_FILE:/m.test(readFileSync(join(ROOT, "serverless.yml"), "utf8"));
}

/** Which of the stack's servers a port is for. */
export type PortRole = "functions" | "core" | "demo" | "lambda";

const ROLE_NAMES: Record<PortRole, string> = {
  functions: "functions",
  core: "local core",
  demo: "demo page",
  lambda: "sls offline's Lambda endpoint",
};

/** One or more of the stack's ports are taken by another program. */
export class PortError extends Error {
  constructor(
    readonly ports: { port: number; role: PortRole }[],
    detail = "already in use",
  ) {
    const list = ports.map(({ port, role }) => `${port} (${ROLE_NAMES[role]})`).join(", ");
    super(`${ports.length === 1 ? "port" : "ports"} ${list} ${ports.length === 1 ? "is" : "are"} ${detail}`);
  }
}

/** Whether nothing listens on the port, on any interface: a dual-stack bind fails if anyone holds it. */
function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, () => probe.close(() => resolve(true)));
  });
}

/**
 * Throws a PortError naming every port (0 = "any free one", skipped) that is taken. A server that could
 * not bind is not always noticed by its parent (sls offline keeps running), so check before starting.
 */
export async function assertPortsFree(ports: { port: number; role: PortRole }[]): Promise<void> {
  const wanted = ports.filter(({ port }) => port !== 0);
  const free = await Promise.all(wanted.map(({ port }) => portIsFree(port)));
  const busy = wanted.filter((_, index) => !free[index]);
  if (busy.length > 0) throw new PortError(busy);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  if (address === null || typeof address === "string") throw new Error("no free port");
  return address.port;
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
): ChildProcess {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: "pipe",
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) log?.(line);
  };
  child.stdout?.on("data", forward);
  child.stderr?.on("data", forward);
  return child;
}

async function runToEnd(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  log?: (line: string) => void,
) {
  const lines: string[] = [];
  const child = run(command, args, env, (line) => {
    lines.push(line);
    log?.(line);
  });
  const [code] = await once(child, "exit");
  if (code !== 0)
    throw new Error(`${[command, ...args].join(" ")} failed (${code}):\n${lines.slice(-20).join("\n")}`);
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = once(child, "exit").then(() => undefined);
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    return Promise.resolve();
  }
  const force = setTimeout(() => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {}
  }, 3000);
  return exited.finally(() => clearTimeout(force));
}

/**
 * Waits until GET /session answers the way our session function does without a session: 401 with a JSON
 * body. Netlify answers 404 until it has loaded the functions, so another answer only fails at the end:
 * then another server holds the port (the check before starting leaves only a race for that).
 */
async function waitForFunctions(
  apiUrl: string,
  port: number,
  child: ChildProcess,
  output: string[],
  timeoutMs: number,
): Promise<void> {
  const url = `${apiUrl}/session`;
  const started = Date.now();
  let lastAnswer: string | undefined;
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null)
      throw new Error(`the functions server exited with ${child.exitCode}:\n${output.join("\n")}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const type = response.headers.get("content-type") ?? "no content-type";
      const body = await response.text();
      if (response.status === 401 && type.includes("json") && isJsonObject(body)) return;
      lastAnswer = `${response.status} ${type}`;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (lastAnswer)
    throw new PortError(
      [{ port, role: "functions" }],
      `answered by another server (GET /session: ${lastAnswer} for ${timeoutMs / 1000} s, not our session function)`,
    );
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null;
  } catch {
    return false;
  }
}

const builds = new Map<string, Promise<void>>();

/** `npm run build -- --out <outDir>` once per process and folder. */
export function buildOnce(outDir: string, log?: (line: string) => void): Promise<void> {
  let build = builds.get(outDir);
  if (!build) {
    build = runToEnd(process.execPath, ["--import", "tsx", "scripts/build.ts", "--out", outDir], {}, log);
    builds.set(outDir, build);
  }
  return build;
}

/** The routes of each function in `<outDir>/functions.json`, without the OPTIONS every path also has. */
export async function builtRoutes(outDir: string): Promise<Record<string, string[]>> {
  const manifest = JSON.parse(await readFile(join(outDir, "functions.json"), "utf8")) as {
    functions: { name: string; routes: { method: string; path: string }[] }[];
  };
  return Object.fromEntries(
    manifest.functions.map((fn) => [
      fn.name,
      fn.routes
        .filter((route) => route.method !== "OPTIONS")
        .map((route) => `${route.method === "*" ? "ANY" : route.method} ${route.path}`),
    ]),
  );
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const platform = options.platform ?? "sls";
  const outDir = options.outDir ?? join(ROOT, "dist");
  const corePort = options.corePort ?? 0;
  await assertPortsFree([
    { port: options.port ?? 0, role: "functions" },
    { port: corePort, role: "core" },
    { port: platform === "sls" ? (options.lambdaPort ?? 0) : 0, role: "lambda" },
  ]);
  const port = options.port || (await freePort());
  const apiUrl = `http://localhost:${port}`;
  const config: Record<string, number> = {};
  if (options.accessTokenValidity) config.access_token_validity = options.accessTokenValidity;
  const core = await startLocalCore({ port: corePort, dataFile: options.dataFile, config }).catch(
    (error: NodeJS.ErrnoException) => {
      throw error.code === "EADDRINUSE" ? new PortError([{ port: corePort, role: "core" }]) : error;
    },
  );
  const outboxFile = options.outboxFile ?? join(outDir, "outbox.jsonl");
  if (platform === "sls" && !slsPassesOutbox())
    console.warn(
      "stack: serverless.yml does not pass OUTBOX_FILE to the functions; emails they send leave the machine",
    );
  const env = {
    ...options.env,
    OUTBOX_FILE: outboxFile,
    SUPERTOKENS_CONNECTION_URI: core.url,
    SESSION_ROLES_DIST: outDir,
    // A function's error stack points into functions/ and src/, through the bundles' source maps.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--enable-source-maps"].filter(Boolean).join(" "),
    API_DOMAIN: apiUrl,
    WEBSITE_DOMAIN: options.websiteDomain ?? "http://localhost:3001",
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    NETLIFY_TELEMETRY_DISABLED: "1",
  };
  let server: ChildProcess | undefined;
  const lambdaPort = platform === "sls" ? options.lambdaPort || (await freePort()) : 0;
  // The server's last lines, for the error when it exits early.
  const output: string[] = [];
  const log = (line: string) => {
    output.push(line);
    if (output.length > 20) output.shift();
    options.log?.(line);
  };
  /** The functions' server (sls offline or Netlify) on `port`, once it answers. */
  const launch = async (): Promise<ChildProcess> => {
    const child =
      platform === "sls"
        ? run(
            process.execPath,
            [
              "node_modules/serverless/bin/serverless.js",
              "offline",
              "--httpPort",
              String(port),
              "--lambdaPort",
              String(lambdaPort),
              // serverless-offline cannot check JWT signatures: without this flag it refuses to start
              // with a JWT authorizer at all. It still checks iss, aud and exp; the signature check
              // API Gateway adds is tested in test/integration/artifacts.test.ts.
              "--ignoreJWTSignature",
              // serverless-offline 13 knows Python runtimes up to 3.11 (serverless.yml deploys 3.12).
              "--param=pythonRuntime=python3.11",
            ],
            env,
            log,
          )
        : run(
            process.execPath,
            [
              // netlify functions:serve has no host option and listens on every interface.
              "--import",
              "./scripts/loopback-only.mjs",
              "node_modules/netlify-cli/bin/run.js",
              "functions:serve",
              "--offline",
              "--port",
              String(port),
              "--functions",
              join(outDir, "netlify"),
            ],
            env,
            log,
          );
    await waitForFunctions(apiUrl, port, child, output, 90_000).catch(async (error: unknown) => {
      await stop(child);
      throw error;
    });
    return child;
  };
  try {
    await Promise.all([
      options.skipBuild ? undefined : buildOnce(outDir, options.log),
      runToEnd(process.execPath, ["--import", "tsx", "scripts/roles.ts", "seed"], env, options.log),
    ]);
    server = await launch();
  } catch (error) {
    if (server) await stop(server);
    await core.close();
    throw error;
  }
  let child = server;
  return {
    apiUrl,
    coreUrl: core.url,
    core,
    outboxFile,
    routes: () => builtRoutes(outDir),
    reload: async () => {
      builds.delete(outDir);
      await buildOnce(outDir, options.log);
      await stop(child);
      child = await launch();
    },
    close: async () => {
      await stop(child);
      await core.close();
    },
  };
}
