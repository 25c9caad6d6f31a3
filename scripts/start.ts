/**
 * `npm start`: local core (state kept in .data/), roles seeded, the built functions under
 * sls offline on :3000 (or Netlify with --netlify) and the demo page on :3001. Ctrl-C stops all.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { ROOT, startStack } from "./stack.ts";

const { values } = parseArgs({
  options: {
    netlify: { type: "boolean", default: false },
    port: { type: "string", default: "3000" },
    "core-port": { type: "string", default: "3567" },
    "demo-port": { type: "string", default: "3001" },
    verbose: { type: "boolean", default: false },
  },
});

const port = Number(values.port);
const demoPort = Number(values["demo-port"]);
const websiteDomain = `http://localhost:${demoPort}`;
const dataDir = join(ROOT, ".data");
await mkdir(dataDir, { recursive: true });

console.log(
  `building the functions and starting the local stack (${values.netlify ? "netlify functions:serve" : "sls offline"})…`,
);
const stack = await startStack({
  port,
  corePort: Number(values["core-port"]),
  platform: values.netlify ? "netlify" : "sls",
  websiteDomain,
  dataFile: join(dataDir, "core.json"),
  log: values.verbose ? (line) => console.log(`  | ${line}`) : undefined,
}).catch((error: Error) => {
  console.error(`npm start failed: ${error.message}`);
  console.error(
    "Is something else listening on the ports? Try: npm start -- --port 3100 --core-port 3667 --demo-port 3101",
  );
  process.exit(1);
});

let demo: { close(): Promise<void> } | undefined;
const demoServer = join(ROOT, "scripts", "serve-demo.ts");
if (existsSync(demoServer)) {
  const { serveDemo } = (await import(demoServer)) as {
    serveDemo(options: { port: number; apiDomain: string }): Promise<{ close(): Promise<void> }>;
  };
  demo = await serveDemo({ port: demoPort, apiDomain: stack.apiUrl });
}

const api = stack.apiUrl;
const email = "you@example.com";
console.log(`
session-roles is running
  functions   ${api}   (/auth/*, /update-role, /session, /users/{id}/roles, /editor-only)
  local core  ${stack.coreUrl}   (state in .data/core.json)
  demo page   ${demo ? websiteDomain : "(not built yet)"}

Try it (cookie mode, as a browser would):
  curl -s -c jar -H 'st-auth-mode: cookie' -H 'content-type: application/json' \\
    -d '{"formFields":[{"id":"email","value":"${email}"},{"id":"password","value":"password123"}]}' ${api}/auth/signup
  curl -s -c jar -D - -o /dev/null -H 'st-auth-mode: cookie' -H 'content-type: application/json' \\
    -d '{"formFields":[{"id":"email","value":"${email}"},{"id":"password","value":"password123"}]}' ${api}/auth/signin | grep -i anti-csrf
  npm run roles -- grant ${email} editor
  curl -s -b jar -c jar -X POST -H "anti-csrf: <the value above>" ${api}/update-role
  curl -s -b jar ${api}/session

Ctrl-C stops everything; the next npm start finds the same users, roles and sessions.`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nstopping…");
  await demo?.close();
  await stack.close();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
