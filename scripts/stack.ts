/** The local stack: local core + roles seeded + the built functions under sls offline or Netlify. */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
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
  /** Where the children's output goes; silent by default. */
  log?: (line: string) => void;
}

export interface Stack {
  apiUrl: string;
  coreUrl: string;
  core: LocalCore;
  close(): Promise<void>;
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

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`server for ${url} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.body?.cancel();
      if (response.status < 500) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
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

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const platform = options.platform ?? "sls";
  const outDir = options.outDir ?? join(ROOT, "dist");
  const port = options.port || (await freePort());
  const apiUrl = `http://localhost:${port}`;
  const config: Record<string, number> = {};
  if (options.accessTokenValidity) config.access_token_validity = options.accessTokenValidity;
  const core = await startLocalCore({ port: options.corePort ?? 0, dataFile: options.dataFile, config });
  const env = {
    SUPERTOKENS_CONNECTION_URI: core.url,
    SESSION_ROLES_DIST: outDir,
    API_DOMAIN: apiUrl,
    WEBSITE_DOMAIN: options.websiteDomain ?? "http://localhost:3001",
    SLS_TELEMETRY_DISABLED: "1",
    SLS_NOTIFICATIONS_MODE: "off",
    NETLIFY_TELEMETRY_DISABLED: "1",
  };
  let server: ChildProcess | undefined;
  try {
    await Promise.all([
      options.skipBuild ? undefined : buildOnce(outDir, options.log),
      runToEnd(process.execPath, ["--import", "tsx", "scripts/roles.ts", "seed"], env, options.log),
    ]);
    server =
      platform === "sls"
        ? run(
            process.execPath,
            [
              "node_modules/serverless/bin/serverless.js",
              "offline",
              "--httpPort",
              String(port),
              "--lambdaPort",
              String(await freePort()),
            ],
            env,
            options.log,
          )
        : run(
            process.execPath,
            [
              "node_modules/netlify-cli/bin/run.js",
              "functions:serve",
              "--offline",
              "--port",
              String(port),
              "--functions",
              join(outDir, "netlify"),
            ],
            env,
            options.log,
          );
    await waitForHttp(`${apiUrl}/session`, server, 90_000);
  } catch (error) {
    if (server) await stop(server);
    await core.close();
    throw error;
  }
  const child = server;
  return {
    apiUrl,
    coreUrl: core.url,
    core,
    close: async () => {
      await stop(child);
      await core.close();
    },
  };
}
