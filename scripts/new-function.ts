/**
 * `npm run new-function -- <name> [options]`: writes functions/<name>.ts (route config, handler,
 * both platform exports) and test/integration/functions/<name>.test.ts, which passes as written.
 * The build, `serverless.yml` and Netlify find the function from that one file.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { promisify } from "node:util";
import { ROLE_NAME } from "../src/config/index.ts";
import { ALLOWED_METHODS } from "../src/http/limits.ts";
import { FUNCTIONS_DIR, ROOT } from "./bundler/functions.ts";
import { apiGatewayPath } from "./bundler/routes.ts";
import { parseCli } from "./cli-args.ts";

const USAGE = `usage: npm run new-function -- <name> [options]
  <name>                     the function's name: lower-case letters, digits and dashes (e.g. promote)
  --method <METHOD>          HTTP method it answers (default GET; POST, PUT, PATCH, DELETE change state)
  --path </path>             its route (default /<name>; /x/:id and /x/* work too)
  --require-role <role>      only users holding this role (checked against the core on every request)
  --require-permission <p>   only users whose roles grant this permission (likewise)
  --force                    overwrite existing files
  -h, --help                 show this help
Writes functions/<name>.ts and test/integration/functions/<name>.test.ts, then try:
  npx vitest run test/integration/functions/<name>.test.ts   (the new test passes as written)
  npm run build                                               (bundles it; serverless.yml and Netlify pick it up)
Exit codes: 0 written, 1 a file exists (use --force), 2 usage.`;

export interface Scaffold {
  name: string;
  method: string;
  path: string;
  requireRole?: string | undefined;
  requirePermission?: string | undefined;
}

/** A name that is a file name, a Lambda function name and a JS-friendly identifier once camel-cased. */
const NAME = /^[a-z][a-z0-9-]{0,48}[a-z0-9]$/;

const camel = (name: string) => name.replace(/-([a-z0-9])/g, (_, char: string) => char.toUpperCase());

/** Each path parameter of a route and the answer's key for it: `:id` → id, `*` → rest. */
export function routeParams(path: string): { key: string; read: string }[] {
  const named = [...path.matchAll(/:(\w+)/g)].map(([, name = ""]) => ({
    key: name,
    read: `request.params.${name}`,
  }));
  return path.endsWith("/*") ? [...named, { key: "rest", read: 'request.params["*"]' }] : named;
}

export function functionSource(spec: Scaffold): string {
  const fn = camel(spec.name);
  const params = routeParams(spec.path);
  const options: string[] = [];
  // A state-changing function answers only its method: a GET would skip the anti-CSRF check.
  if (spec.method !== "GET" && spec.method !== "HEAD")
    options.push(`methods: [${JSON.stringify(spec.method)}]`);
  if (spec.requireRole) options.push(`requireRoles: [${JSON.stringify(spec.requireRole)}]`);
  if (spec.requirePermission) options.push(`requirePermissions: [${JSON.stringify(spec.requirePermission)}]`);
  const optionsLine = options.length > 0 ? `\nconst options = { ${options.join(", ")} };\n` : "";
  const args = options.length > 0 ? `${fn}, options` : fn;
  return `// ${spec.method} ${spec.path}: made by \`npm run new-function\`. Edit the handler; the build finds this file.
import { type FunctionConfig, type SessionHandlerInput, type SessionContainer, verifySession, verifySessionNetlify } from "../src/index.ts";

export const config: FunctionConfig = { path: ${JSON.stringify(spec.path)}, method: ${JSON.stringify(spec.method)} };
${optionsLine}
/** The session is verified before this runs; what it returns is the answer (an object is sent as JSON). */
async function ${fn}({ session${params.length > 0 ? ", request" : ""} }: SessionHandlerInput<SessionContainer, unknown>) {
  const payload = session.getAccessTokenPayload();
  return { userId: session.getUserId(), role: payload.role ?? null${params.map(({ key, read }) => `, ${key}: ${read}`).join("")} };
}

export const handler = verifySession(${args});
export default verifySessionNetlify(${args});
`;
}

export function testSource(spec: Scaffold): string {
  const grant = spec.requireRole ?? (spec.requirePermission ? `${spec.name}-test-role` : undefined);
  const createRole = spec.requirePermission
    ? `await UserRoles.createNewRoleOrAddPermissions(${JSON.stringify(grant)}, [${JSON.stringify(spec.requirePermission)}]);`
    : spec.requireRole
      ? `await UserRoles.createNewRoleOrAddPermissions(${JSON.stringify(grant)}, []);`
      : "";
  const needsWrite = spec.method !== "GET" && spec.method !== "HEAD";
  // The route is given, so the event carries API Gateway's pathParameters for it.
  const route = spec.path === samplePath(spec.path) ? "" : `, route: ${JSON.stringify(spec.path)}`;
  const call = `{ method: ${JSON.stringify(spec.method)}, path: ${JSON.stringify(samplePath(spec.path))}${route} }`;
  const params = routeParams(spec.path).map(
    ({ key }) => `, ${key}: ${JSON.stringify(key === "rest" ? "example" : `example-${key}`)}`,
  );
  const guarded = grant
    ? `
  it("refuses a signed-in user without ${spec.requireRole ? `the role ${spec.requireRole}` : `the permission ${spec.requirePermission}`}: 403", async () => {
    const reply = await call(authenticated(user, ${call}));
    expect(reply.status, reply.body).toBe(403);
  });
`
    : "";
  const beforeAllowed = grant
    ? `
    ${createRole}
    await UserRoles.addRoleToUser("public", user.userId, ${JSON.stringify(grant)});`
    : "";
  return `// ${spec.method} ${spec.path} (functions/${spec.name}.ts), served by its Lambda handler against the local core.
import ${grant ? "UserRoles from " : ""}${grant ? '"supertokens-node/recipe/userroles";\nimport ' : ""}{ describe, expect, it } from "vitest";
import { handler } from "../../../functions/${spec.name}.ts";
import { httpApiEvent, readLambdaResult, type RequestSpec } from "../../helpers/events.ts";
import { authenticated, withSignedInUser, withSuperTokens } from "../../helpers/session-client.ts";

withSuperTokens();
const user = withSignedInUser(${needsWrite ? '"header"' : '"cookie"'});
const call = async (spec: RequestSpec) => readLambdaResult(await handler(httpApiEvent(spec)));

describe("${spec.name}", () => {
  it("answers 401 without a session", async () => {
    const reply = await call(${call});
    expect(reply.status).toBe(401);
  });
${guarded}
  it("answers 200 with a session", async () => {${beforeAllowed}
    const reply = await call(authenticated(user, ${call}));
    expect(reply.status, reply.body).toBe(200);
    expect(reply.json).toMatchObject({ userId: user.userId${params.join("")} });
  });
});
`;
}

/** A concrete path for the route: parameters filled in, `/*` given one segment. */
function samplePath(path: string): string {
  return path.replace(/:(\w+)/g, "example-$1").replace(/\/\*$/, "/example");
}

export async function writeScaffold(
  spec: Scaffold,
  force: boolean,
  root = ROOT,
): Promise<{ written: string[] } | { exists: string }> {
  const files = {
    [join(root, relative(ROOT, FUNCTIONS_DIR), `${spec.name}.ts`)]: functionSource(spec),
    [join(root, "test", "integration", "functions", `${spec.name}.test.ts`)]: testSource(spec),
  };
  if (!force) {
    const exists = Object.keys(files).find((file) => existsSync(file));
    if (exists) return { exists: relative(root, exists) };
  }
  for (const [file, source] of Object.entries(files)) {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, source);
  }
  // The project's own formatter lays the files out, so they pass \`npm run lint\` as written.
  await promisify(execFile)(
    join(root, "node_modules", ".bin", "biome"),
    ["check", "--write", ...Object.keys(files)],
    {
      cwd: root,
    },
  );
  return { written: Object.keys(files).map((file) => relative(root, file)) };
}

async function main(): Promise<number> {
  const { values, positionals, fail } = parseCli({
    usage: USAGE,
    allowPositionals: true,
    options: {
      method: { type: "string" },
      path: { type: "string" },
      "require-role": { type: "string" },
      "require-permission": { type: "string" },
      force: { type: "boolean" },
    },
  });
  const [name, ...extra] = positionals;
  if (!name) return fail("missing <name>");
  if (extra.length > 0) fail(`one name at a time (got ${positionals.join(" ")})`);
  if (!NAME.test(name))
    return fail(`invalid name ${JSON.stringify(name)}: use lower-case letters, digits and dashes`);
  const method = (values.method ?? "GET").toUpperCase();
  if (!ALLOWED_METHODS.includes(method) || method === "OPTIONS")
    fail(`invalid --method ${JSON.stringify(values.method)}: one of GET, POST, PUT, PATCH, DELETE, HEAD`);
  const path: string = values.path ?? `/${name}`;
  if (!apiGatewayPath(path) || path.includes("{"))
    fail(`invalid --path ${JSON.stringify(path)}: use /x, /x/:param or /x/*`);
  for (const flag of ["require-role", "require-permission"] as const) {
    const value = values[flag];
    if (value !== undefined && !ROLE_NAME.test(value))
      fail(`invalid --${flag} ${JSON.stringify(value)}: letters, digits and _ : . - only`);
  }
  const outcome = await writeScaffold(
    {
      name,
      method,
      path,
      requireRole: values["require-role"],
      requirePermission: values["require-permission"],
    },
    values.force === true,
  );
  if ("exists" in outcome) {
    console.error(`${outcome.exists} exists already: pick another name, or pass --force to overwrite it`);
    return 1;
  }
  console.log(`wrote ${outcome.written.join(" and ")}
next:
  npx vitest run ${outcome.written[1]}
  npm run build        # bundles it; serverless.yml and netlify pick it up from its config export`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
