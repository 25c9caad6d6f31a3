// Regressions from the local core's security audit. Each test replays an attack the audit ran against
// the core and checks what the attacker sees and what the core holds afterwards.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { connect } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import SuperTokens from "supertokens-node";
import { CollectingResponse, middleware, PreParsedRequest } from "supertokens-node/framework/custom";
import EmailPassword from "supertokens-node/recipe/emailpassword";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import Session from "supertokens-node/recipe/session";
import UserMetadata from "supertokens-node/recipe/usermetadata";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCore, startLocalCore } from "../../../local-core/index.ts";
// Where the core stages a save (its pid is ours: it runs in this process); the attacks below plant things there.
import { journalOf } from "../../../local-core/journal.ts";
import { loadState, tempFileOf } from "../../../local-core/persistence.ts";
import { demoHost, serveDemo } from "../../../scripts/serve-demo.ts";
import { connectionRefused, initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const JSON_HEADERS = { "content-type": "application/json", "cdi-version": "5.4" };
const BUILTIN_IDS = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];

const dir = mkdtempSync(join(tmpdir(), "core-hardening-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...JSON_HEADERS, ...headers },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** What the data file and its journal hold, as text. */
const onDisk = (file: string): string =>
  readFileSync(file, "utf8") + (existsSync(journalOf(file)) ? readFileSync(journalOf(file), "utf8") : "");

/** Sends raw bytes and returns whatever the server answers within `waitMs`. */
function rawExchange(port: number, payload: string, waitMs = 1500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let answer = "";
    const finish = () => {
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (chunk) => {
      answer += chunk.toString();
      // The status line and headers are all these tests need.
      if (answer.includes("\r\n\r\n")) {
        clearTimeout(timer);
        finish();
      }
    });
    socket.on("error", finish);
    socket.write(payload);
  });
}

describe("1. every app demands the core's API key", () => {
  const KEY = "hardening-api-key-0123456789";
  const core = withLocalCore({ apiKey: KEY });

  it("an app made with app/v2 refuses sign-up, user listing, tenant and role creation without the key", async () => {
    const appId = uniqueAppId("keyed");
    expect(
      await json(await call(core.url, "PUT", "/recipe/multitenancy/app/v2", { appId }, { "api-key": KEY })),
    ).toEqual({
      status: "OK",
      createdNew: true,
    });
    const app = `${core.url}/appid-${appId}`;
    const attacks: Array<[string, string, unknown?]> = [
      ["POST", "/public/recipe/signup", { email: "intruder@example.com", password: "pass word 1" }],
      ["GET", "/users"],
      ["GET", "/public/users"],
      ["PUT", "/recipe/multitenancy/tenant/v2", { tenantId: "intruder" }],
      ["PUT", "/recipe/role", { role: "admin", permissions: ["all"] }],
    ];
    for (const [method, path, body] of attacks) {
      const wrongKeys: Record<string, string>[] = [
        {},
        { "api-key": "wrong-key-wrong-key-wrong" },
        { "api-key": `${KEY}x` },
      ];
      for (const headers of wrongKeys) {
        const res = await call(app, method, path, body, headers);
        expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
        expect(await res.text()).toBe("Invalid API key\n");
      }
    }

    initSuperTokens({
      connectionURI: app,
      apiKey: KEY,
      recipeList: [EmailPassword.init(), UserRoles.init(), Multitenancy.init(), Session.init()],
    });
    expect((await SuperTokens.getUsersOldestFirst({ tenantId: "public" })).users).toEqual([]);
    expect((await Multitenancy.listAllTenants()).tenants.map((t) => t.tenantId)).toEqual(["public"]);
    expect((await UserRoles.getAllRoles()).roles).toEqual([]);
    expect((await EmailPassword.signUp("public", "member@example.com", "pass word 1")).status).toBe("OK");
  });

  it("refuses a keyless request before reading its body (the body is never sent)", async () => {
    for (const length of [1000, 2 * 1024 * 1024]) {
      const answer = await rawExchange(
        core.port,
        `POST /recipe/role/remove HTTP/1.1\r\nHost: 127.0.0.1:${core.port}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${length}\r\n\r\n`,
      );
      expect(answer.split("\r\n")[0], `declared ${length}`).toBe("HTTP/1.1 401 Unauthorized");
    }
  });
});

describe("2. long paths cost linear time", () => {
  const core = withLocalCore();

  it("16 concurrent 16,000-slash requests leave /hello answering in well under 100 ms", async () => {
    await fetch(`${core.url}/hello`).then((res) => res.text());
    const path = `/recipe/roles${"/".repeat(16_000)}x`;
    const before = core.requestCount;
    const started = performance.now();
    const flood = Array.from({ length: 16 }, () =>
      fetch(`${core.url}${path}`).then(async (res) => {
        await res.text();
        return res.status;
      }),
    );
    // Ask for /hello once the flood has reached the core.
    while (core.requestCount === before && performance.now() - started < 5000)
      await new Promise((resolve) => setImmediate(resolve));
    const helloStarted = performance.now();
    const hello = await fetch(`${core.url}/hello`);
    expect(await hello.text()).toBe("Hello\n");
    const helloMs = performance.now() - helloStarted;
    const statuses = await Promise.all(flood);
    const floodMs = performance.now() - started;
    console.log(JSON.stringify({ point: 2, helloMs: Math.round(helloMs), floodMs: Math.round(floodMs) }));
    expect(statuses).toEqual(Array.from({ length: 16 }, () => 404));
    expect(helloMs).toBeLessThan(100);
  });
});

describe("3. deeply nested JSON, and saves that fail", () => {
  let core: LocalCore;
  const file = join(dir, "deep.json");
  beforeAll(async () => {
    core = await startLocalCore({ port: 0, dataFile: file });
  });
  afterAll(() => core.close());

  it("a metadata update nested 6,000 deep is a 400; later saves and reads keep working", async () => {
    const deep = `{"userId":"deep-user","metadataUpdate":${'{"a":'.repeat(6000)}1${"}".repeat(6000)}}`;
    expect(deep.length).toBeGreaterThan(12_000);
    const res = await call(core.url, "PUT", "/recipe/user/metadata", deep);
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("JSON input is nested deeper than 64 levels\n");

    const signUp = await call(core.url, "POST", "/public/recipe/signup", {
      email: "after-deep@example.com",
      password: "pass word 1",
    });
    expect(signUp.status).toBe(200);
    // On disk as soon as it answered 200 (the data file and its journal).
    expect(onDisk(file)).toContain("after-deep@example.com");
    expect(await json(await call(core.url, "GET", "/recipe/user/metadata?userId=deep-user"))).toEqual({
      status: "OK",
      metadata: {},
    });
  });

  it("refuses nesting past 64 levels on every route, and accepts it up to that", async () => {
    const nested = (levels: number) =>
      JSON.parse(`${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`) as object;
    // The body object itself is one level.
    const ok = await call(core.url, "PUT", "/recipe/user/metadata", {
      userId: "nested-user",
      metadataUpdate: nested(63),
    });
    expect(ok.status).toBe(200);
    const tooDeep = [
      ["PUT", "/recipe/user/metadata", { userId: "nested-user", metadataUpdate: nested(64) }],
      ["POST", "/public/recipe/session", { userId: "u", userDataInJWT: nested(64), userDataInDatabase: {} }],
      [
        "PUT",
        "/recipe/role",
        { role: "deep", permissions: JSON.parse(`${"[".repeat(70)}${"]".repeat(70)}`) },
      ],
    ] as const;
    for (const [method, path, body] of tooDeep) {
      const res = await call(core.url, method, path, body);
      expect(res.status, path).toBe(400);
      await res.text();
    }
    expect((await json(await call(core.url, "GET", "/recipe/roles"))).roles).not.toContain("deep");
  });

  it("a save that fails fails its request; the next save works and the file holds every 200", async () => {
    // A directory where the journal is appended to: the write fails until it is gone.
    await core.flush();
    rmSync(journalOf(file), { force: true });
    mkdirSync(join(journalOf(file), "blocker"), { recursive: true });
    const failed = await call(core.url, "PUT", "/recipe/role", { role: "while-broken" });
    expect(failed.status).toBe(500);
    expect(await failed.text()).toBe("Internal Error\n");
    rmSync(journalOf(file), { recursive: true, force: true });

    const saved = await call(core.url, "PUT", "/recipe/role", { role: "after-repair" });
    expect(await json(saved)).toEqual({ status: "OK", createdNewRole: true });
    const roles = [...loadState(file)!.apps.get("public")!.roles.keys()];
    expect(roles).toContain("after-repair");
    expect(onDisk(file)).toContain("after-deep@example.com");
  });
});

describe("4. ids named like JavaScript built-ins", () => {
  const core = withLocalCore();
  let app = "";
  let victimId = "";

  beforeAll(async () => {
    app = await core.createApp(uniqueAppId("builtin"));
    initSuperTokens({
      connectionURI: app,
      recipeList: [
        EmailPassword.init(),
        UserRoles.init(),
        UserMetadata.init(),
        Session.init({ getTokenTransferMethod: () => "header" }),
      ],
    });
    const victim = await EmailPassword.signUp("public", "victim@example.com", "pass word 1");
    if (victim.status !== "OK") throw new Error(victim.status);
    victimId = victim.user.id;
  });

  it("tenant `constructor` does not exist: sign-up and sessions through it are refused, nothing is stored", async () => {
    const attempts = [
      ["POST", "/constructor/recipe/signup", { email: "ctor@example.com", password: "pass word 1" }],
      ["POST", "/constructor/recipe/session", { userId: "u", userDataInJWT: {}, userDataInDatabase: {} }],
      ["GET", "/constructor/recipe/multitenancy/tenant/v2"],
      ["GET", "/constructor/users"],
    ] as const;
    for (const [method, path, body] of attempts) {
      const res = await call(app, method, path, body);
      expect(res.status, path).toBe(400);
      expect(await res.text()).toMatch(/^AppId or tenantId not found => .*, constructor\)\n$/);
    }
    await expect(EmailPassword.signUp("constructor", "ctor@example.com", "pass word 1")).rejects.toThrow(
      /status code: 400 and message: AppId or tenantId not found/,
    );
    expect(await SuperTokens.listUsersByAccountInfo("public", { email: "ctor@example.com" })).toEqual([]);
    // The old core wrote the new user's id onto the global `Object` (this test shares its process).
    expect(Object.hasOwn(Object, "ctor@example.com")).toBe(false);
  });

  it("sign-up through supertokens-node's API for an unknown tenant creates nobody and reports the core's 400", async () => {
    for (const tenant of ["nosuchtenant", "constructor"]) {
      const email = `${tenant}@example.com`;
      const request = new PreParsedRequest({
        method: "post",
        url: `http://localhost:3001/auth/${tenant}/signup`,
        query: {},
        headers: new Headers({ "content-type": "application/json", rid: "emailpassword" }),
        cookies: {},
        getFormBody: async () => ({}),
        getJSONBody: async () => ({
          formFields: [
            { id: "email", value: email },
            { id: "password", value: "pass word 1" },
          ],
        }),
      });
      const response = new CollectingResponse();
      const outcome = await middleware()(request, response);
      expect(String(outcome.error)).toContain(
        "with status code: 400 and message: AppId or tenantId not found",
      );
      expect(response.body).toBeUndefined();
      expect(await SuperTokens.listUsersByAccountInfo("public", { email })).toEqual([]);
    }
  });

  it("user ids __proto__, constructor, toString, hasOwnProperty, valueOf are ordinary ids for roles and sessions", async () => {
    await UserRoles.createNewRoleOrAddPermissions("admin", ["all"]);
    for (const id of BUILTIN_IDS) {
      expect(await UserRoles.addRoleToUser("public", id, "admin")).toEqual({
        status: "OK",
        didUserAlreadyHaveRole: false,
      });
      expect((await UserRoles.getRolesForUser("public", id)).roles).toEqual(["admin"]);
      expect(await SuperTokens.getUser(id)).toBeUndefined();
      const session = await Session.createNewSessionWithoutRequestResponse(
        "public",
        SuperTokens.convertToRecipeUserId(id),
      );
      expect(session.getUserId()).toBe(id);
    }
    const holders = await UserRoles.getUsersThatHaveRole("public", "admin");
    expect(holders.status === "OK" && [...holders.users].sort()).toEqual([...BUILTIN_IDS].sort());
    expect((await UserRoles.getRolesForUser("public", victimId)).roles).toEqual([]);
    for (const id of BUILTIN_IDS) {
      expect(await UserRoles.removeUserRole("public", id, "admin")).toEqual({
        status: "OK",
        didUserHaveRole: true,
      });
      expect((await Session.getAllSessionHandlesForUser(id)).length).toBe(1);
    }
  });

  it("metadata of user `__proto__` stays that user's, and a `__proto__` key is plain data", async () => {
    await UserMetadata.updateUserMetadata("__proto__", { plan: "enterprise", isAdmin: true });
    expect((await UserMetadata.getUserMetadata("__proto__")).metadata).toEqual({
      plan: "enterprise",
      isAdmin: true,
    });
    for (const other of [victimId, "plan", "isAdmin", "constructor", "toString"])
      expect((await UserMetadata.getUserMetadata(other)).metadata, other).toEqual({});

    // JSON.parse makes `__proto__` an own key, as it arrives from a client.
    const update = JSON.parse('{"__proto__":{"isAdmin":true},"plan":"free"}');
    const { metadata } = await UserMetadata.updateUserMetadata(victimId, update);
    expect(JSON.stringify(metadata)).toBe('{"__proto__":{"isAdmin":true},"plan":"free"}');
    expect((metadata as { isAdmin?: unknown }).isAdmin).toBeUndefined();
  });

  it("all of it survives a restart through the data file", async () => {
    const file = join(dir, "builtin.json");
    const first = await startLocalCore({ port: 0, dataFile: file });
    await json(await call(first.url, "PUT", "/recipe/role", { role: "admin" }));
    for (const id of BUILTIN_IDS) {
      await json(await call(first.url, "PUT", "/public/recipe/user/role", { userId: id, role: "admin" }));
      await json(
        await call(first.url, "PUT", "/recipe/user/metadata", { userId: id, metadataUpdate: { id } }),
      );
    }
    await first.close();

    const second = await startLocalCore({ port: 0, dataFile: file });
    try {
      for (const id of BUILTIN_IDS) {
        const query = `userId=${encodeURIComponent(id)}`;
        expect(
          (await json(await call(second.url, "GET", `/public/recipe/user/roles?${query}`))).roles,
        ).toEqual(["admin"]);
        expect(
          (await json(await call(second.url, "GET", `/recipe/user/metadata?${query}`))).metadata,
        ).toEqual({
          id,
        });
      }
    } finally {
      await second.close();
    }
  });
});

describe("5. cross-site requests", () => {
  const core = withLocalCore();

  it("a browser-shaped text/plain POST from another origin cannot delete a role", async () => {
    await json(await call(core.url, "PUT", "/recipe/role", { role: "admin", permissions: ["all"] }));
    const attack = await fetch(`${core.url}/recipe/role/remove`, {
      method: "POST",
      headers: { "content-type": "text/plain;charset=UTF-8", origin: "http://evil.example" },
      body: JSON.stringify({ role: "admin" }),
    });
    expect(attack.status).toBe(403);
    expect(await attack.text()).toBe("Origin not allowed\n");
    expect(attack.headers.get("access-control-allow-origin")).toBeNull();
    // A page may not read either.
    expect(
      (await fetch(`${core.url}/recipe/roles`, { headers: { origin: "http://evil.example" } })).status,
    ).toBe(403);
    // Without an Origin (not a browser), a body that is not JSON is still refused.
    for (const [type, body] of [
      ["text/plain;charset=UTF-8", JSON.stringify({ role: "admin" })],
      ["application/x-www-form-urlencoded", "role=admin"],
      [
        "multipart/form-data; boundary=x",
        '--x\r\nContent-Disposition: form-data; name="role"\r\n\r\nadmin\r\n--x--',
      ],
      [undefined, new TextEncoder().encode(JSON.stringify({ role: "admin" }))],
    ] as const) {
      const res = await fetch(`${core.url}/recipe/role/remove`, {
        method: "POST",
        ...(type === undefined ? {} : { headers: { "content-type": type } }),
        body,
      });
      expect(res.status, String(type)).toBe(415);
      expect(await res.text()).toBe("Content-Type must be application/json\n");
    }
    expect((await json(await call(core.url, "GET", "/recipe/roles"))).roles).toEqual(["admin"]);
  });

  it("origins in allowOrigins (or allow_origins) are served with CORS headers; others still get 403", async () => {
    const dashboard = "http://dashboard.localhost:3000";
    for (const options of [
      { allowOrigins: [dashboard] },
      { config: { allow_origins: `http://a.example, ${dashboard}` } },
    ]) {
      const allowing = await startLocalCore({ port: 0, ...options });
      try {
        const preflight = await fetch(`${allowing.url}/recipe/role`, {
          method: "OPTIONS",
          headers: {
            origin: dashboard,
            "access-control-request-method": "PUT",
            "access-control-request-headers": "content-type",
          },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe(dashboard);
        expect(preflight.headers.get("access-control-allow-headers")).toContain("content-type");
        const put = await call(
          allowing.url,
          "PUT",
          "/recipe/role",
          { role: "from-dashboard" },
          { origin: dashboard },
        );
        expect(put.headers.get("access-control-allow-origin")).toBe(dashboard);
        expect(await json(put)).toEqual({ status: "OK", createdNewRole: true });
        expect(
          (await call(allowing.url, "GET", "/recipe/roles", undefined, { origin: "http://evil.example" }))
            .status,
        ).toBe(403);
      } finally {
        await allowing.close();
      }
    }
  });
});

describe("6. the save file", () => {
  it("a symlink planted at the staging path is not followed: its target is untouched", async () => {
    const file = join(dir, "linked.json");
    const victim = join(dir, "victim.txt");
    writeFileSync(victim, "precious");
    const core = await startLocalCore({ port: 0, dataFile: file });
    try {
      symlinkSync(victim, tempFileOf(file));
      expect(await json(await call(core.url, "PUT", "/recipe/role", { role: "after-link" }))).toEqual({
        status: "OK",
        createdNewRole: true,
      });
      await core.flush();
      expect(readFileSync(victim, "utf8")).toBe("precious");
      expect(lstatSync(file).isSymbolicLink()).toBe(false);
      expect(readFileSync(file, "utf8")).toContain("after-link");
    } finally {
      await core.close();
    }
  });
});

describe("6b. the journal", () => {
  it("a symlink planted at the journal's path is not followed: the write fails, its target is untouched", async () => {
    const file = join(dir, "journal-linked.json");
    const victim = join(dir, "journal-victim.txt");
    writeFileSync(victim, "precious");
    const core = await startLocalCore({ port: 0, dataFile: file });
    try {
      rmSync(journalOf(file));
      symlinkSync(victim, journalOf(file));
      const refused = await call(core.url, "PUT", "/recipe/role", { role: "through-link" });
      expect(refused.status).toBe(500);
      await refused.text();
      expect(readFileSync(victim, "utf8")).toBe("precious");
      rmSync(journalOf(file));
      expect(await json(await call(core.url, "PUT", "/recipe/role", { role: "after-unlink" }))).toEqual({
        status: "OK",
        createdNewRole: true,
      });
      expect(lstatSync(journalOf(file)).isSymbolicLink()).toBe(false);
    } finally {
      await core.close();
    }
    expect(readFileSync(victim, "utf8")).toBe("precious");
    expect(readFileSync(file, "utf8")).toContain("after-unlink");
  });
});

describe("12. the demo page server", () => {
  it("listens on 127.0.0.1 only, unless DEMO_HOST or the host option says otherwise", async () => {
    const demo = await serveDemo({ port: 0, apiDomain: "http://localhost:3000", build: false });
    try {
      expect((await fetch(demo.url)).status).toBe(200);
      expect(await connectionRefused("127.0.0.1", demo.port)).toBe(false);
      const elsewhere = Object.values(networkInterfaces())
        .flat()
        .filter((address) => address !== undefined && !address.internal)
        .map((address) => address!.address);
      for (const address of [...elsewhere, "::1"])
        expect(await connectionRefused(address, demo.port), address).toBe(true);
    } finally {
      await demo.close();
    }
    const saved = process.env["DEMO_HOST"];
    try {
      process.env["DEMO_HOST"] = "0.0.0.0";
      expect(demoHost()).toBe("0.0.0.0");
      expect(demoHost("::1")).toBe("::1");
      delete process.env["DEMO_HOST"];
      expect(demoHost()).toBe("127.0.0.1");
    } finally {
      if (saved === undefined) delete process.env["DEMO_HOST"];
      else process.env["DEMO_HOST"] = saved;
    }
  });
});
