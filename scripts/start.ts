/**
 * `npm start`: local core (state kept in .data/), roles seeded, the built functions under
 * sls offline on :3000 (or Netlify with --netlify) and the demo page on :3001. Ctrl-C stops all.
 * A port already taken by another program fails at once, with one line naming it (see USAGE).
 */
import { watch } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseCli, portOption } from "./cli-args.ts";
import { functionErrorLine } from "./function-errors.ts";
import {
  assertPortsFree,
  OUTBOX_LINE,
  PortError,
  type PortRole,
  ROOT,
  type Stack,
  startStack,
} from "./stack.ts";
import { removeStackRecord, writeStackRecord } from "./stack-file.ts";

const USAGE = `usage: npm start -- [options]
  --port <n>          the functions (default 3000)
  --core-port <n>     the local core (default 3567)
  --demo-port <n>     the demo page (default 3001)
  --lambda-port <n>   sls offline's Lambda endpoint (default 3002, as in serverless.yml; unused with --netlify)
  --netlify           serve the functions with netlify functions:serve instead of sls offline
  --verbose           show the servers' output
  -h, --help          show this help
Exit codes: 0 stopped (Ctrl-C), 1 could not start (e.g. a port is in use), 2 usage.`;

const { values, fail } = parseCli({
  usage: USAGE,
  options: {
    netlify: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
    "core-port": { type: "string", default: "3567" },
    "demo-port": { type: "string", default: "3001" },
    "lambda-port": { type: "string", default: "3002" },
    verbose: { type: "boolean", default: false },
  },
});

const netlify = values.netlify;
const ports: Record<PortRole, number> = {
  functions: portOption(values.port, "--port", fail),
  core: portOption(values["core-port"], "--core-port", fail),
  demo: portOption(values["demo-port"], "--demo-port", fail),
  lambda: netlify ? 0 : portOption(values["lambda-port"], "--lambda-port", fail),
};
const FLAGS: Record<PortRole, string> = {
  functions: "--port",
  core: "--core-port",
  demo: "--demo-port",
  lambda: "--lambda-port",
};

for (const [index, role] of (Object.keys(ports) as PortRole[]).entries()) {
  const same = (Object.keys(ports) as PortRole[])
    .slice(index + 1)
    .find((other) => ports[other] !== 0 && ports[other] === ports[role]);
  if (same) fail(`${FLAGS[role]} and ${FLAGS[same]} are both ${ports[role]}: each server needs its own port`);
}

/** One line: which port is taken, and the flags that move each of our servers elsewhere. */
function portProblem(error: PortError): string {
  const roles = (Object.keys(FLAGS) as PortRole[]).filter((role) => ports[role] !== 0);
  const other = (port: number) => (port + 100 <= 65535 ? port + 100 : port - 100);
  const example = roles.map((role) => `${FLAGS[role]} ${other(ports[role])}`).join(" ");
  return `npm start: ${error.message}; pick other ports with ${roles.map((role) => FLAGS[role]).join(", ")}, e.g. npm start -- ${netlify ? "--netlify " : ""}${example}`;
}

function exitWith(error: unknown): never {
  if (error instanceof PortError) console.error(portProblem(error));
  else console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

// Before the build: a taken port fails in a second, not after a minute.
await assertPortsFree((Object.keys(ports) as PortRole[]).map((role) => ({ port: ports[role], role }))).catch(
  exitWith,
);

const websiteDomain = `http://localhost:${ports.demo}`;
const dataDir = join(ROOT, ".data");
await mkdir(dataDir, { recursive: true });
const outboxFile = join(dataDir, "outbox.jsonl");
// `optional` here, so the demo can show verification without refusing anyone; set it to try `required`.
const emailVerification = process.env.EMAIL_VERIFICATION || "optional";

/** Every email a function "sends" and every 500 it answers is one line in the terminal, verbose or not. */
function showLine(line: string): void {
  if (values.verbose) console.log(`  | ${line}`);
  else if (OUTBOX_LINE.test(line)) console.log(line.slice(line.indexOf("outbox: ")));
  else {
    const error = functionErrorLine(line);
    if (error) console.log(error);
  }
}

console.log(
  `building the functions and starting the local stack (${netlify ? "netlify functions:serve" : "sls offline"})…`,
);
const stack = await startStack({
  port: ports.functions,
  corePort: ports.core,
  lambdaPort: ports.lambda,
  platform: netlify ? "netlify" : "sls",
  websiteDomain,
  dataFile: join(dataDir, "core.json"),
  outboxFile,
  env: { EMAIL_VERIFICATION: emailVerification },
  log: showLine,
}).catch(exitWith);

// Loaded only now: the demo server bundles the page (esbuild) before it listens.
const { serveDemo } = await import("./serve-demo.ts");
// A demo port taken since the check before the build is named like the others.
const demo = await serveDemo({ port: ports.demo, apiDomain: stack.apiUrl, outboxFile }).catch(
  async (error) => {
    await stack.close();
    return exitWith(
      (error as NodeJS.ErrnoException).code === "EADDRINUSE"
        ? new PortError([{ port: ports.demo, role: "demo" }])
        : error,
    );
  },
);

const api = stack.apiUrl;
const email = "you@example.com";
// The roles CLI finds this stack's core here, whatever its ports (removed again at Ctrl-C).
writeStackRecord({ pid: process.pid, coreUrl: stack.coreUrl, apiUrl: api, demoUrl: websiteDomain });

/** Each function and its routes, as the build made them. */
async function routeLines(routes: Record<string, string[]>): Promise<string> {
  const width = Math.max(...Object.keys(routes).map((name) => name.length));
  return Object.entries(routes)
    .map(
      ([name, list]) => `    ${name.padEnd(width)}  ${list.length > 0 ? list.join(", ") : "(Lambda only)"}`,
    )
    .join("\n");
}

const form = (password: boolean) =>
  `'{"formFields":[{"id":"email","value":"${email}"}${password ? ',{"id":"password","value":"password123"}' : ""}]}'`;
console.log(`
session-roles is running
  functions   ${api}   (rebuilt and reloaded when functions/ or src/ change)
${await routeLines(await stack.routes())}
  local core  ${stack.coreUrl}   (state in .data/core.json; npm run roles uses this core while this runs)
  demo page   ${websiteDomain}
  emails      kept in .data/outbox.jsonl and printed here as "outbox: …" lines; nothing is sent
              (EMAIL_VERIFICATION=${emailVerification})
  errors      every 500 a function answers is one line here, with where it was thrown

Try it in another terminal (cookie mode, as a browser would; the cookies go to the file ./jar):
  API=${api}
  curl -s -c jar -H 'st-auth-mode: cookie' -H 'content-type: application/json' -d ${form(true)} $API/auth/signup
  CSRF=$(curl -s -c jar -D - -o /dev/null -H 'st-auth-mode: cookie' -H 'content-type: application/json' \\
    -d ${form(true)} $API/auth/signin | awk -F': ' 'tolower($1)=="anti-csrf" {print $2}' | tr -d '\\r')
  npm run roles -- grant ${email} editor
  curl -s -b jar -c jar -X POST -H "anti-csrf: $CSRF" $API/update-role
  curl -s -b jar $API/session
  curl -s -H 'content-type: application/json' -d ${form(false)} $API/auth/user/password/reset/token   # the link shows up here

Ctrl-C stops everything; the next npm start finds the same users, roles and sessions.`);

/**
 * A new or changed file in functions/ or src/ rebuilds the functions and restarts their server (the
 * core, the demo and this terminal keep running). Changes during a rebuild make one more after it.
 */
function watchSources(running: Stack): void {
  let timer: NodeJS.Timeout | undefined;
  let busy = false;
  let again = false;
  const rebuild = async () => {
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    const before = await running.routes().catch(() => ({}) as Record<string, string[]>);
    console.log("functions/ or src/ changed: rebuilding…");
    try {
      await running.reload();
      const after = await running.routes();
      const added = Object.keys(after).filter((name) => !(name in before));
      const removed = Object.keys(before).filter((name) => !(name in after));
      console.log(
        `serving ${Object.keys(after).length} functions again${added.length > 0 ? `; new:\n${await routeLines(Object.fromEntries(added.map((name) => [name, after[name] ?? []])))}` : ""}${removed.length > 0 ? `; removed: ${removed.join(", ")}` : ""}`,
      );
    } catch (error) {
      // The build's own lines say what to fix (e.g. "functions/x.ts: missing export `default`…").
      const lines = (error instanceof Error ? error.message : String(error)).split("\n").slice(1);
      const said = lines.filter((line) => line.trim() && !/^\s+at /.test(line)).slice(-3);
      console.log(`build failed; fix the file and save again:\n  ${said.join("\n  ")}`);
    } finally {
      busy = false;
      if (again) {
        again = false;
        void rebuild();
      }
    }
  };
  for (const dir of ["functions", "src"])
    watch(join(ROOT, dir), { recursive: true }, (_, file) => {
      if (file && !/\.(ts|mts|json)$/.test(file)) return;
      clearTimeout(timer);
      timer = setTimeout(rebuild, 300);
    });
}
watchSources(stack);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  removeStackRecord();
  await demo.close();
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
