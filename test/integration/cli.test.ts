// Every CLI of the repo as a user runs it: --help, a wrong option or value, a port that is taken.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startLocalCore } from "../../local-core/index.ts";
import { freePort } from "../helpers/ports.ts";
import { runNode } from "../helpers/roles-cli.ts";

/** `npm run <name>` without npm's noise: node --import tsx <script>. */
const CLIS = {
  core: "local-core/cli.ts",
  start: "scripts/start.ts",
  build: "scripts/build.ts",
  "build:demo": "scripts/build-demo.ts",
  roles: "scripts/roles.ts",
  bench: "bench/run.ts",
  "new-function": "scripts/new-function.ts",
} as const;

async function cli(name: keyof typeof CLIS, ...args: string[]) {
  const started = Date.now();
  const result = await runNode(["--import", "tsx", CLIS[name], ...args]);
  return { ...result, ms: Date.now() - started, lines: result.stderr.trimEnd().split("\n") };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/\n\s+at |ERR_PARSE_ARGS/);

describe.each(Object.keys(CLIS) as (keyof typeof CLIS)[])("npm run %s", (name) => {
  it("--help prints the usage and exits 0", async () => {
    const result = await cli(name, "--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^usage: npm (run |start)/);
    expect(result.stderr).toBe("");
  });

  it("an unknown option: one line naming it, the usage, exit 2", async () => {
    const result = await cli(name, "--no-such-option");
    expect(result.code).toBe(2);
    expect(result.lines[0]).toBe("unknown option '--no-such-option'");
    expect(result.lines[1]).toMatch(/^usage: npm (run |start)/);
    expect(result.stdout).toBe("");
    noStackTrace(result.stderr);
  });
});

describe("bad values: one line naming the flag, the usage, exit 2", () => {
  it.each([
    ["core", ["--port", "70000"], 'invalid --port: "70000" (expected a port number, 0-65535)'],
    ["core", ["--port"], "option '--port <value>' argument missing"],
    ["new-function", [], "missing <name>"],
    ["new-function", ["Promote"], 'invalid name "Promote": use lower-case letters, digits and dashes'],
    [
      "new-function",
      ["promote", "--method", "TRACE"],
      'invalid --method "TRACE": one of GET, POST, PUT, PATCH, DELETE, HEAD',
    ],
    ["new-function", ["promote", "--path", "/a*b"], 'invalid --path "/a*b": use /x, /x/:param or /x/*'],
    [
      "core",
      ["--access-token-validity", "soon"],
      'invalid --access-token-validity: "soon" (expected a number > 0)',
    ],
    [
      "core",
      ["--allow-origins", "http://localhost:3001/app"],
      'invalid --allow-origins: "http://localhost:3001/app" (expected origins like http://localhost:3001, or *)',
    ],
    [
      "core",
      ["--port", "0", "--api-key", "short"],
      "invalid --api-key: One of the API keys is too short. Please use at least 20 characters",
    ],
    ["start", ["--demo-port", "abc"], 'invalid --demo-port: "abc" (expected a port number, 1-65535)'],
    ["start", ["--port", "3567"], "--port and --core-port are both 3567: each server needs its own port"],
    ["start", ["--netlify=yes"], "option '--netlify' does not take an argument"],
    ["build", ["--only", "nope"], /^invalid --only: no function named nope \(functions: .*session/],
    ["bench", ["--rounds", "0"], 'invalid --rounds: "0" (expected a whole number ≥ 1)'],
    ["build:demo", ["extra"], "unexpected argument 'extra'"],
    ["roles", ["dance"], "unknown command: dance"],
    [
      "roles",
      ["grant", "me@example.com", " admin"],
      'invalid role name " admin": letters, digits, _ : . - only (1 to 100, no spaces)',
    ],
    ["roles", [], "missing command"],
  ] as const)("%s %j", async (name, args, problem) => {
    const result = await cli(name, ...args);
    expect(result.code).toBe(2);
    if (typeof problem === "string") expect(result.lines[0]).toBe(problem);
    else expect(result.lines[0]).toMatch(problem);
    expect(result.lines[1]).toMatch(/^usage: /);
    noStackTrace(result.stderr);
  });
});

describe("npm run core -- --allow-origins", () => {
  it("serves a browser on a listed origin and refuses any other", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", CLIS.core, "--port", "0", "--allow-origins", "http://localhost:3001"],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    try {
      let stdout = "";
      child.stdout.setEncoding("utf8");
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk: string) => {
          stdout += chunk;
          const found = /local core listening on (\S+)/.exec(stdout);
          if (found) resolve(found[1]!);
        });
        child.once("exit", (code) => reject(new Error(`npm run core exited ${code}: ${stdout}`)));
      });
      const allowed = await fetch(`${url}/hello`, { headers: { origin: "http://localhost:3001" } });
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3001");
      const other = await fetch(`${url}/hello`, { headers: { origin: "http://localhost:4000" } });
      expect(other.status).toBe(403);
    } finally {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await once(child, "exit");
      }
    }
  });
});

describe("a port that another program holds", () => {
  let other: Server | undefined;

  afterEach(async () => {
    other?.close();
    other = undefined;
  });

  /** A plain HTTP server that is not ours, on a free port. */
  async function occupy(host = "every interface"): Promise<number> {
    const port = await freePort();
    other = createServer((_, response) => response.end("someone else"));
    other.listen(port, host === "every interface" ? undefined : host);
    await once(other, "listening");
    return port;
  }

  it("npm run core names the port and the flag, exit 1", async () => {
    const port = await occupy("127.0.0.1");
    const result = await cli("core", "--port", String(port));
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `local core: port ${port} on 127.0.0.1 is already in use; pick another with --port`,
    ]);
  });

  // The functions port taken: before this check sls offline failed to bind unnoticed and npm start
  // said "running" while every request reached the other server.
  it.each([
    ["functions", "--port", "127.0.0.1"],
    ["functions", "--port", "::1"],
    ["local core", "--core-port", "every interface"],
    ["demo page", "--demo-port", "127.0.0.1"],
    ["sls offline's Lambda endpoint", "--lambda-port", "every interface"],
  ])("npm start with the %s port (%s) taken on %s fails at once with one line", async (role, flag, host) => {
    const ports = {
      "--port": await freePort(),
      "--core-port": await freePort(),
      "--demo-port": await freePort(),
      "--lambda-port": await freePort(),
    };
    ports[flag as keyof typeof ports] = await occupy(host);
    const result = await cli("start", ...Object.entries(ports).flat().map(String));
    expect(result.code).toBe(1);
    const busy = ports[flag as keyof typeof ports];
    expect(result.lines).toEqual([
      `npm start: port ${busy} (${role}) is already in use; pick other ports with --port, --core-port, --demo-port, --lambda-port, e.g. npm start -- --port ${ports["--port"] + 100} --core-port ${ports["--core-port"] + 100} --demo-port ${ports["--demo-port"] + 100} --lambda-port ${ports["--lambda-port"] + 100}`,
    ]);
    // Nothing was built or started: the check comes first.
    expect(result.stdout).toBe("");
    expect(result.ms).toBeLessThan(10_000);
  });

  it("npm start --netlify names the netlify functions port, without sls offline's", async () => {
    const port = await occupy();
    const corePort = await freePort();
    const demoPort = await freePort();
    const result = await cli(
      "start",
      "--netlify",
      "--port",
      String(port),
      "--core-port",
      String(corePort),
      "--demo-port",
      String(demoPort),
    );
    expect(result.code).toBe(1);
    expect(result.lines).toEqual([
      `npm start: port ${port} (functions) is already in use; pick other ports with --port, --core-port, --demo-port, e.g. npm start -- --netlify --port ${port + 100} --core-port ${corePort + 100} --demo-port ${demoPort + 100}`,
    ]);
  });

  it("npm start names every taken port in its one line", async () => {
    const core = await startLocalCore({ port: 0 });
    try {
      const port = await occupy();
      const result = await cli(
        "start",
        "--port",
        String(port),
        "--core-port",
        String(core.port),
        "--demo-port",
        String(await freePort()),
        "--lambda-port",
        String(await freePort()),
      );
      expect(result.code).toBe(1);
      expect(result.lines).toHaveLength(1);
      expect(result.lines[0]).toMatch(
        new RegExp(
          `^npm start: ports ${port} \\(functions\\), ${core.port} \\(local core\\) are already in use;`,
        ),
      );
    } finally {
      await core.close();
    }
  });
});
