// DNS rebinding (issue #26): a page on attacker.example whose name re-resolves to 127.0.0.1 reaches the
// keyless local core and the demo server, with `Host: attacker.example`. Both serve only loopback names
// (with their port) unless told otherwise; anything else is a 4xx JSON answer that does nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../../local-core/index.ts";
import { type DemoServer, serveDemo } from "../../../scripts/serve-demo.ts";

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** A request to 127.0.0.1:<port> that says it is for `host` (as a rebound browser page's would). */
function withHost(port: number, host: string, path: string, method = "GET", body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method,
        headers: { host, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: text }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const FOREIGN = [
  "attacker.example",
  "attacker.example:PORT",
  "localhost.attacker.example:PORT",
  "127.0.0.1:1",
  "localhost:1",
  "[::2]:PORT",
  "0.0.0.0:PORT",
];
const LOOPBACK = ["localhost:PORT", "LOCALHOST:PORT", "127.0.0.1:PORT", "[::1]:PORT"];
const withPort = (hosts: string[], port: number) => hosts.map((host) => host.replace("PORT", String(port)));

function expectRefused(answer: Answer, host: string): void {
  expect(answer.status, host).toBe(403);
  expect(answer.type).toMatch(/^application\/json/);
  expect(JSON.parse(answer.body)).toEqual({ message: expect.stringMatching(/^host not allowed/) });
}

describe("the local core", () => {
  let core: LocalCore;
  beforeAll(async () => {
    core = await startLocalCore({ port: 0 });
  });
  afterAll(async () => {
    await core.close();
  });

  it("answers loopback names with its port", async () => {
    for (const host of withPort(LOOPBACK, core.port)) {
      const answer = await withHost(core.port, host, "/hello");
      expect(answer.status, host).toBe(200);
    }
  });

  it("refuses any other Host with a 403 JSON error, before reading or changing anything", async () => {
    for (const host of withPort(FOREIGN, core.port)) {
      expectRefused(await withHost(core.port, host, "/public/users"), host);
      expectRefused(await withHost(core.port, host, "/recipe/role", "PUT", '{"role":"rebound"}'), host);
    }
    const roles = await withHost(core.port, `127.0.0.1:${core.port}`, "/recipe/roles");
    expect(JSON.parse(roles.body)).toEqual({ status: "OK", roles: [] });
  });

  it("serves the hosts it is told to (allowedHosts), and any with *", async () => {
    const named = await startLocalCore({ port: 0, allowedHosts: ["core.internal"] });
    const any = await startLocalCore({ port: 0, allowedHosts: ["*"] });
    try {
      expect((await withHost(named.port, `core.internal:${named.port}`, "/hello")).status).toBe(200);
      expect((await withHost(named.port, `localhost:${named.port}`, "/hello")).status).toBe(200);
      expectRefused(await withHost(named.port, "attacker.example", "/hello"), "attacker.example");
      expect((await withHost(any.port, "attacker.example", "/hello")).status).toBe(200);
    } finally {
      await named.close();
      await any.close();
    }
  });
});

describe("the demo server", () => {
  let demo: DemoServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "session-roles-rebind-"));
    const outboxFile = join(dir, "outbox.jsonl");
    writeFileSync(
      outboxFile,
      `${JSON.stringify({ to: "a@example.com", type: "password-reset", link: "http://x/?token=SECRET", at: "2026-01-01T00:00:00Z" })}\n`,
    );
    demo = await serveDemo({ port: 0, apiDomain: "http://localhost:3000", build: false, outboxFile });
  });
  afterAll(async () => {
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers loopback names with its port", async () => {
    for (const host of withPort(LOOPBACK, demo.port)) {
      const answer = await withHost(demo.port, host, "/outbox");
      expect(answer.status, host).toBe(200);
      expect(answer.body).toContain("SECRET");
    }
  });

  it("refuses any other Host with a 403 JSON error: the outbox's reset links stay unread", async () => {
    for (const host of withPort(FOREIGN, demo.port)) {
      for (const path of ["/outbox", "/"]) {
        const answer = await withHost(demo.port, host, path);
        expectRefused(answer, host);
        expect(answer.body).not.toContain("SECRET");
      }
    }
  });

  it("serves the hosts DEMO_ALLOWED_HOSTS or the option names", async () => {
    const named = await serveDemo({
      port: 0,
      apiDomain: "same-origin",
      build: false,
      allowedHosts: ["demo.internal"],
    });
    try {
      expect((await withHost(named.port, `demo.internal:${named.port}`, "/")).status).toBe(200);
      expectRefused(await withHost(named.port, "attacker.example", "/"), "attacker.example");
    } finally {
      await named.close();
    }
    const saved = process.env["DEMO_ALLOWED_HOSTS"];
    process.env["DEMO_ALLOWED_HOSTS"] = "demo.internal, other.internal";
    const fromEnv = await serveDemo({ port: 0, apiDomain: "same-origin", build: false });
    try {
      expect((await withHost(fromEnv.port, "other.internal", "/")).status).toBe(200);
      expectRefused(await withHost(fromEnv.port, "attacker.example", "/"), "attacker.example");
    } finally {
      await fromEnv.close();
      if (saved === undefined) delete process.env["DEMO_ALLOWED_HOSTS"];
      else process.env["DEMO_ALLOWED_HOSTS"] = saved;
    }
  });
});
