// The Netlify edge function (netlify/edge-functions/admin-gate.ts) in real Deno, with only the network of
// 127.0.0.1 and the gate's own variables allowed, in front of a stand-in origin; its key set comes from
// the project's auth function (over HTTP) against the local core.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GATE_DEFAULTS } from "../../../src/edge/settings.ts";
import { type TokenCase, tokenCases, userWithRoles, withAuthServer } from "../../helpers/edge.ts";
import {
  type Credentials,
  createSession,
  invalidClaim,
  withSuperTokens,
} from "../../helpers/session-client.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const DENO = join(ROOT, "node_modules/.bin/deno");
const core = withSuperTokens();
const auth = withAuthServer();

let deno: ChildProcess;
let denoDir: string;
let base: string;
let functionConfig: { path: string[] };
let admin: Credentials;
let adminCookie: Credentials;
let user: Credentials;

beforeAll(async () => {
  denoDir = await mkdtemp(join(tmpdir(), "deno-edge-"));
  deno = spawn(
    DENO,
    [
      "run",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      `--allow-env=${Object.keys(GATE_DEFAULTS).join(",")}`,
      "test/integration/edge/deno-serve.ts",
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: denoDir,
        DENO_DIR: denoDir,
        NO_COLOR: "1",
        API_DOMAIN: auth.url,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: deno.stdout! }).once("line", resolve);
    deno.once("exit", (code) => reject(new Error(`deno exited with ${code}`)));
  });
  const listening = JSON.parse(firstLine) as { port: number; config: { path: string[] } };
  base = `http://127.0.0.1:${listening.port}`;
  functionConfig = listening.config;
  admin = await userWithRoles("header", ["admin", "user"]);
  adminCookie = await userWithRoles("cookie", ["admin"]);
  user = await userWithRoles("header", ["user"]);
}, 60_000);
afterAll(async () => {
  deno?.kill();
  await rm(denoDir, { recursive: true, force: true });
});

const PAGE = { accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const API = { accept: "application/json" };
const bearer = (who: Credentials) => ({ authorization: `Bearer ${who.accessToken}` });

async function send(path: string, headers: Record<string, string> = {}, method = "GET") {
  const response = await fetch(`${base}${path}`, { method, headers, redirect: "manual" });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {}
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: json as Record<string, unknown> | undefined,
  };
}

describe("Netlify edge function in Deno", () => {
  it("exports Netlify's shape: a default function and config.path covering every path (the rules decide)", () => {
    expect(functionConfig.path).toBe("/*");
  });

  it("a token with the role: the request reaches the origin unchanged (Bearer and cookie)", async () => {
    const headers = { ...API, ...bearer(admin), "x-extra": "kept" };
    const reply = await send("/admin/report?x=1", headers);
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ origin: true, method: "GET", url: "/admin/report?x=1" });
    expect((reply.json?.headers as Record<string, string>).authorization).toBe(headers.authorization);
    expect((reply.json?.headers as Record<string, string>)["x-extra"]).toBe("kept");
    const page = await send("/admin/", { ...PAGE, cookie: `sAccessToken=${adminCookie.accessToken}` });
    expect(page.json).toMatchObject({ origin: true, url: "/admin/" });
  });

  it("a valid token without the role: 403 (an HTML page for a browser, SuperTokens' claim error for an API)", async () => {
    const page = await send("/admin/", { ...PAGE, ...bearer(user) });
    expect(page.status).toBe(403);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(page.text).toContain("needs the role &quot;admin&quot;");
    const api = await send("/admin/data", { ...API, ...bearer(user) });
    expect(api.status).toBe(403);
    expect(api.json).toEqual(
      invalidClaim("st-role", { message: "wrong value", expectedToInclude: "admin", actualValue: ["user"] }),
    );
  });

  it("no session: a page is sent to sign in and back; an API gets 401 unauthorised", async () => {
    const page = await send("/admin/users?tab=2", PAGE);
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe(`/?redirectToPath=${encodeURIComponent("/admin/users?tab=2")}`);
    expect(page.headers.get("cache-control")).toContain("no-store");
    const api = await send("/admin/users", API);
    expect(api.status).toBe(401);
    expect(api.json).toEqual({ message: "unauthorised" });
  });

  it("the gate's own rule holds whatever the spelling of the path", async () => {
    for (const path of ["/admin", "/ADMIN/", "/%61dmin/", "//admin/", "/x/../admin/", "/admin%2f"]) {
      const reply = await send(path, API);
      expect(reply.status, path).toBe(401);
    }
    expect((await send("/elsewhere/", API)).json).toMatchObject({ origin: true });
  });

  it("an expired token: a page goes to the refresh page and back; an API gets 401 try refresh token", async () => {
    await core.createApp("public", { access_token_validity: 1 });
    const short = await userWithRoles("header", ["admin"]);
    await core.createApp("public", { access_token_validity: 3600 });
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const page = await send("/admin/", { ...PAGE, ...bearer(short) });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe(
      `${GATE_DEFAULTS.EDGE_REFRESH_PATH}?redirectToPath=%2Fadmin%2F`,
    );
    const api = await send("/admin/", { ...API, ...bearer(short) });
    expect(api.status).toBe(401);
    expect(api.json).toEqual({ message: "try refresh token" });
  });

  it("every forged, tampered, foreign-key and alg-none token of the corpus is refused, never reaching the origin", async () => {
    // Forged from a user's token: what a forgery would change (role, sub…) differs from what it holds.
    const cases: TokenCase[] = await tokenCases(
      core.url,
      user,
      await createSession("cookie"),
      await core.createApp("edge-deno-other"),
    );
    const refused = cases.filter((test) => !/^valid|malformed Bearer, valid cookie/.test(test.what));
    expect(refused.length).toBeGreaterThan(20);
    const fetchesBefore = auth.paths.filter((path) => path.endsWith("/jwt/jwks.json")).length;
    for (const test of refused) {
      const reply = await send("/admin/", { ...API, ...test.headers }, test.method);
      expect(reply.status, test.what).toBe(401);
      expect(reply.json?.origin, test.what).toBeUndefined();
    }
    // One forged kid in the corpus: at most one more key fetch for the whole run.
    const fetches = auth.paths.filter((path) => path.endsWith("/jwt/jwks.json")).length - fetchesBefore;
    expect(fetches).toBeLessThanOrEqual(1);
  });
});
