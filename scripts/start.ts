/**
 * `npm start`: local core (state kept in .data/), roles seeded, the built functions under
 * sls offline on :3000 (or Netlify with --netlify) and the demo page on :3001. Ctrl-C stops all.
 * A port already taken by another program fails at once, with one line naming it (see USAGE).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseCli, portOption } from "./cli-args.ts";
import { assertPortsFree, OUTBOX_LINE, PortError, type PortRole, ROOT, startStack } from "./stack.ts";

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

/** Every email a function "sends" is one line in the terminal, verbose or not. */
function showLine(line: string): void {
  if (values.verbose) console.log(`  | ${line}`);
  else if (OUTBOX_LINE.test(line)) console.log(line.slice(line.indexOf("outbox: ")));
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
console.log(`
session-roles is running
  functions   ${api}   (/auth/*, /update-role, /session, /users/{id}/roles, /editor-only)
  local core  ${stack.coreUrl}   (state in .data/core.json)
  demo page   ${websiteDomain}
  emails      kept in .data/outbox.jsonl and printed here as "outbox: …" lines; nothing is sent
              (EMAIL_VERIFICATION=${emailVerification})

Try it (cookie mode, as a browser would):
  curl -s -c jar -H 'st-auth-mode: cookie' -H 'content-type: application/json' \\
    -d '{"formFields":[{"id":"email","value":"${email}"},{"id":"password","value":"password123"}]}' ${api}/auth/signup
  curl -s -c jar -D - -o /dev/null -H 'st-auth-mode: cookie' -H 'content-type: application/json' \\
    -d '{"formFields":[{"id":"email","value":"${email}"},{"id":"password","value":"password123"}]}' ${api}/auth/signin | grep -i anti-csrf
  curl -s -H 'content-type: application/json' \\
    -d '{"formFields":[{"id":"email","value":"${email}"}]}' ${api}/auth/user/password/reset/token   # the link shows up below
  npm run roles -- grant ${email} editor
  curl -s -b jar -c jar -X POST -H "anti-csrf: <the value above>" ${api}/update-role
  curl -s -b jar ${api}/session

Ctrl-C stops everything; the next npm start finds the same users, roles and sessions.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  await demo.close();
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
