/**
 * A function's routes come from its own `export const config` (Netlify's in-source config: `path`,
 * `method`), so one file declares them for both platforms: Netlify reads the export itself, and the
 * build turns it into the HTTP API routes `serverless.yml` takes from the build manifest.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

/** One HTTP API route: `ANY` or a method, and an API Gateway path (`/users/{proxy+}`). */
export interface Route {
  method: string;
  path: string;
}

/** A function file the build cannot use: one line naming the file and what to change. */
export class FunctionFileError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = "FunctionFileError";
    this.stack = this.message;
  }
}

const list = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Netlify's path syntax (`/auth/*`, `/items/:id`) as API Gateway's (`/auth/{proxy+}`, `/items/{id}`);
 * API Gateway's own (`{id}`, `{name+}`) is kept as it is.
 */
export function apiGatewayPath(path: string): string | undefined {
  if (/\{(?!\w+\+?\})|(?<!\{\w+\+?)\}/.test(path)) return undefined;
  if (!/^\/[\w\-./:*{}+]*$/.test(path)) return undefined;
  const converted = path.replace(/\/\*$/, "/{proxy+}").replace(/:(\w+)/g, "{$1}");
  return converted.includes("*") ? undefined : converted;
}

/** The routes `config` declares; each path also answers OPTIONS so browsers' preflights reach us. */
export function routesOf(config: unknown, file: string): Route[] {
  const example = 'export const config = { path: "/promote", method: "POST" }';
  if (typeof config !== "object" || config === null)
    throw new FunctionFileError(file, `no route config: add \`${example}\``);
  const { path, method } = config as { path?: unknown; method?: unknown };
  const paths = list(path);
  if (paths.length === 0 || paths.some((item) => typeof item !== "string"))
    throw new FunctionFileError(file, `config.path must be a path or a list of paths, as in \`${example}\``);
  const methods = list(method);
  if (methods.some((item) => typeof item !== "string" || !/^[A-Za-z]+$/.test(item)))
    throw new FunctionFileError(file, "config.method must be an HTTP method or a list of them");
  const upper = methods.map((item) => String(item).toUpperCase());
  const routes: Route[] = [];
  for (const raw of paths as string[]) {
    // Netlify reads config.path as a URLPattern, where `{id}` is a group, not a parameter.
    if (raw.includes("{"))
      throw new FunctionFileError(
        file,
        `config.path "${raw}": write a parameter as :id (Netlify reads this path too)`,
      );
    const converted = apiGatewayPath(raw);
    if (!converted)
      throw new FunctionFileError(
        file,
        `config.path "${raw}" cannot be an API Gateway route (use /x, /x/:param or /x/*)`,
      );
    if (upper.length === 0) routes.push({ method: "*", path: converted });
    for (const verb of upper) routes.push({ method: verb, path: converted });
    if (upper.length > 0 && !upper.includes("OPTIONS")) routes.push({ method: "OPTIONS", path: converted });
  }
  return routes;
}

/**
 * The `config` export of each built Netlify bundle, read in a child process: importing a function
 * runs its cold-start code (SuperTokens init, the fetch hook), which must not touch the build.
 */
export async function readConfigs(bundles: Record<string, string>): Promise<Record<string, unknown>> {
  const script = `
    const files = JSON.parse(process.argv[1]);
    const out = {};
    for (const [name, file] of Object.entries(files)) out[name] = (await import(file)).config ?? null;
    process.stdout.write(JSON.stringify(out));`;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--input-type=module", "-e", script, JSON.stringify(bundles)],
    // No core is called while importing; an unreachable one keeps anything that tried from hanging.
    { env: { ...process.env, SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:9" }, timeout: 60_000 },
  );
  return JSON.parse(stdout) as Record<string, unknown>;
}
