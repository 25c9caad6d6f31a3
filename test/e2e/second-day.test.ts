// A user's second day, in a fresh copy of the project with every port moved off its default (another
// stack holds those): `npm start -- --port …`, the README's curl story run as written (its roles CLI
// call finds npm start's core by itself), a function added while npm start runs is built and served
// with its path parameter, and a function that throws is one source-mapped line in the terminal.
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BrowserLikeClient } from "../helpers/browser-like-client.ts";
import { freePort } from "../helpers/ports.ts";
import { ROOT } from "./helpers/browser.ts";

const run = promisify(execFile);
/**
 * What a fresh clone has after `npm install`: the files git tracks (and new ones it does not ignore),
 * and node_modules, linked, not copied. Nothing built or ignored comes along (an allow-list).
 */
const projectFiles = () =>
  execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT })
    .toString("utf8")
    .split("\0")
    .filter((file) => file !== "" && existsSync(join(ROOT, file)));

let copy = "";
let start: ChildProcess | undefined;
let output = "";
const ports = { functions: 0, core: 0, demo: 0, lambda: 0 };
/** The user's shell: none of the variables the functions or the roles CLI read. */
const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: "1", NO_COLOR: "1" };
for (const name of ["SUPERTOKENS_CONNECTION_URI", "SUPERTOKENS_API_KEY", "API_DOMAIN", "WEBSITE_DOMAIN"])
  delete env[name];

/** Waits until npm start's terminal shows `pattern` (after `from`), and answers the match. */
async function terminalShows(pattern: RegExp, from = 0, timeoutMs = 120_000): Promise<RegExpExecArray> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const match = pattern.exec(output.slice(from));
    if (match) return match;
    if (start?.exitCode != null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`npm start never showed ${pattern}:\n${output}`);
}

beforeAll(async () => {
  copy = mkdtempSync(join(tmpdir(), "session-roles-second-day-"));
  for (const file of projectFiles()) {
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(ROOT, file), join(copy, file));
  }
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  for (const role of Object.keys(ports) as (keyof typeof ports)[]) ports[role] = await freePort();
  // `npm start -- --port …` without npm's own process in between, so its pid is the stack's.
  start = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/start.ts",
      ...["--port", String(ports.functions), "--core-port", String(ports.core)],
      ...["--demo-port", String(ports.demo), "--lambda-port", String(ports.lambda)],
    ],
    { cwd: copy, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  start.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  start.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  await terminalShows(/session-roles is running[\s\S]*Ctrl-C stops everything/);
}, 180_000);

afterAll(async () => {
  if (start && start.exitCode === null) {
    start.kill("SIGINT");
    await once(start, "exit");
  }
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** The README's curl story: each command, and what its comment says it answers (if it shows one). */
function curlStory(readme: string): { command: string; answer?: string }[] {
  const block = /With `npm start` running[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error("README has no curl story");
  const joined = block.replace(/\\\n\s*/g, "");
  return joined
    .split("\n")
    .filter((line) => line.trim() && !line.trim().startsWith("#"))
    .map((line) => {
      const [command = "", comment = ""] = line.split(/\s+# /);
      const answer = /^(\{.*\})/.exec(comment)?.[1];
      return answer ? { command, answer } : { command };
    });
}

/** A README answer such as `{"role":"user",…}` as a pattern: `…` stands for anything. */
const answerPattern = (answer: string) =>
  new RegExp(`^${answer.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/…/g, ".*")}$`);

describe("the second day, ports moved", () => {
  it("npm start prints the routes of the build and commands with its own ports", () => {
    expect(output).toContain(`API=http://localhost:${ports.functions}`);
    expect(output).toMatch(/\n\s+editor-only\s+GET \/editor-only\n/);
    expect(output).toMatch(/\n\s+user-roles\s+ANY \/users\/\{proxy\+\}\n/);
  });

  it("the README's curl story runs as written, each answer as its comment says", async () => {
    const story = curlStory(readFileSync(join(copy, "README.md"), "utf8"));
    expect(story.filter((step) => step.answer).length).toBeGreaterThanOrEqual(4);
    // The story's own first line sets API; the user points it at the --port they chose.
    const script = [
      "set -e",
      ...story.flatMap(({ command }, index) => [
        command.replace(/^API=\S+/, `API=http://localhost:${ports.functions}`),
        `echo; echo "@@@${index}"`,
      ]),
    ].join("\n");
    const { stdout } = await run("bash", ["-c", script], { cwd: copy, env });
    const answers = stdout.split(/\n@@@\d+\n/);
    story.forEach(({ command, answer }, index) => {
      if (answer) expect(answers[index]?.trim(), command).toMatch(answerPattern(answer));
    });
    // The cookie jar stays out of git.
    expect(readFileSync(join(copy, ".gitignore"), "utf8")).toMatch(/^jar$/m);
  }, 120_000);

  it("the roles CLI talks to npm start's core, on its moved port, and says so", async () => {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--import", "tsx", "scripts/roles.ts", "list", "me@example.com"],
      { cwd: copy, env },
    );
    expect(stderr).toContain(`roles: core http://127.0.0.1:${ports.core} (the running npm start's`);
    expect(JSON.parse(stdout)).toMatchObject({ role: "admin", roles: ["user", "admin"] });
  }, 60_000);

  it("a function added while npm start runs is built and served, with its path parameter", async () => {
    const from = output.length;
    await run(
      process.execPath,
      ["--import", "tsx", "scripts/new-function.ts", "items", "--path", "/items/:id"],
      { cwd: copy, env },
    );
    await terminalShows(/new:\n\s+items\s+GET \/items\/\{id\}/, from);
    const api = `http://localhost:${ports.functions}`;
    expect((await fetch(`${api}/items/a%2Fb`)).status).toBe(401);
    const client = new BrowserLikeClient(api);
    const signUp = await client.signUp(`second-day-${Date.now()}@example.com`);
    expect(signUp.status).toBe(200);
    const reply = await client.request("GET", "/items/a%2Fb%20c");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ role: "user", id: "a/b c" });
  }, 180_000);

  it("a function that throws: the client gets 500, the terminal one line naming the file and line", async () => {
    const from = output.length;
    const source = [
      'import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";',
      "",
      'export const config: FunctionConfig = { path: "/boom", method: "GET" };',
      "",
      "async function boom(): Promise<never> {",
      '  throw new Error("kaboom");',
      "}",
      "",
      "export const handler = verifySession(boom, { sessionRequired: false });",
      "export default verifySessionNetlify(boom, { sessionRequired: false });",
      "",
    ].join("\n");
    writeFileSync(join(copy, "functions", "boom.ts"), source);
    await terminalShows(/new:\n\s+boom\s+GET \/boom/, from);
    const reply = await fetch(`http://localhost:${ports.functions}/boom`);
    expect(reply.status).toBe(500);
    expect(await reply.json()).toEqual({ message: "internal error" });
    const [line] = await terminalShows(/500 from boom: .*\n/, from, 10_000);
    expect(line).toMatch(/^500 from boom: Error: kaboom at functions\/boom\.ts:6:\d+ /);
  }, 180_000);

  it("a changed function is served changed, without a restart", async () => {
    const from = output.length;
    const file = join(copy, "functions", "boom.ts");
    writeFileSync(
      file,
      readFileSync(file, "utf8")
        .replace('throw new Error("kaboom");', "return { fixed: true };")
        .replace("Promise<never>", "Promise<unknown>"),
    );
    await terminalShows(/serving \d+ functions again\n/, from);
    const reply = await fetch(`http://localhost:${ports.functions}/boom`);
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ fixed: true });
  }, 180_000);
});
