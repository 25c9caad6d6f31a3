// The deployable artifacts, as deployed: build every function into a temp dir, unzip the Lambda
// zips, and serve real requests through each bundle (each in its own process, with its own copy of
// supertokens-node) against a local core. This is the evidence that the build's tricks
// (scripts/bundler/tricks.ts, bench/TRICKS.md) leave every function working.
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { unzipSync } from "fflate";
import { createLocalJWKSet, jwtVerify } from "jose";
import Session from "supertokens-node/recipe/session";
import UserRoles from "supertokens-node/recipe/userroles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildFunctions,
  ESM_REQUIRE_BANNER,
  type FunctionResult,
  loadedAtStart,
} from "../../scripts/bundler/bundle.ts";
import { listFunctions } from "../../scripts/bundler/functions.ts";
import { readCatalog, seedRoles } from "../../src/roles/catalog.ts";
import {
  httpApiAuthorizerEvent,
  httpApiAuthorizerRequest,
  methodArn,
  restRequestAuthorizerEvent,
  restTokenAuthorizerEvent,
  restTokenAuthorizerRequest,
} from "../helpers/authorizer-events.ts";
import { initSuperTokens, withLocalCore } from "../helpers/core.ts";
import { listenOnLoopback } from "../helpers/ports.ts";
import { runNode } from "../helpers/roles-cli.ts";

const RUNNER = fileURLToPath(new URL("./helpers/invoke-bundle.mjs", import.meta.url));
const SHIMS = fileURLToPath(new URL("../../scripts/bundler/shims/", import.meta.url));
const API_DOMAIN = "http://localhost:3000";
const WEBSITE_DOMAIN = "http://localhost:3001";

const core = withLocalCore();
let workDir = "";
let results: FunctionResult[] = [];
/** Unzipped Lambda entry per function. */
const lambdaEntry = new Map<string, string>();
let netlifyDir = "";

/** What the bundles read at cold start; nothing from the test process leaks in (TEST_MODE…). */
function bundleEnv(overrides: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SUPERTOKENS_CONNECTION_URI: core.url,
    API_DOMAIN,
    WEBSITE_DOMAIN,
    ...overrides,
  };
}

async function run(
  bundle: string,
  input: unknown,
  env: NodeJS.ProcessEnv = {},
): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await runNode([RUNNER, bundle], {
    env: bundleEnv(env),
    input: JSON.stringify(input),
  });
  if (code !== 0) throw new Error(`${bundle} exited ${code}: ${stderr}`);
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`${bundle} printed no JSON: ${stdout} ${stderr}`);
  }
}

interface LambdaResult {
  statusCode: number;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: string;
}

function v2Event(method: string, path: string, headers: Record<string, string> = {}, body = "") {
  const cookieHeader = headers.cookie;
  const rest = { ...headers };
  delete rest.cookie;
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: path,
    rawQueryString: "",
    cookies: cookieHeader ? cookieHeader.split("; ") : undefined,
    headers: { host: "localhost:3000", ...rest },
    requestContext: {
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "vitest" },
      stage: "$default",
      requestId: "test",
      domainName: "localhost",
    },
    body,
    isBase64Encoded: false,
  };
}

async function invokeLambda(fn: string, event: unknown, env: NodeJS.ProcessEnv = {}): Promise<LambdaResult> {
  const entry = lambdaEntry.get(fn);
  if (!entry) throw new Error(`no unzipped bundle for ${fn}`);
  const output = await run(entry, { kind: "lambda", event }, env);
  return output.result as LambdaResult;
}

/** name → attributes (lower-cased, without the value) of each Set-Cookie. */
function cookieAttributes(setCookies: readonly string[]): Record<string, string[]> {
  return Object.fromEntries(
    setCookies.map((cookie) => {
      const [pair = "", ...attributes] = cookie.split(";").map((part) => part.trim());
      return [pair.slice(0, pair.indexOf("=")), attributes.map((attribute) => attribute.toLowerCase())];
    }),
  );
}

/** name → value of each Set-Cookie. */
function cookieJar(setCookies: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    setCookies.map((cookie) => {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      return [pair.slice(0, at).trim(), pair.slice(at + 1).trim()];
    }),
  );
}

function frontTokenPayload(frontToken: string | undefined): Record<string, unknown> {
  expect(frontToken).toBeTruthy();
  const decoded = JSON.parse(Buffer.from(frontToken ?? "", "base64").toString("utf8")) as {
    up: Record<string, unknown>;
  };
  return decoded.up;
}

/** An email-password sign-up's body. */
function signUpBody(email: string, password = "correct-horse-42"): string {
  return JSON.stringify({
    formFields: [
      { id: "email", value: email },
      { id: "password", value: password },
    ],
  });
}

function corePaths(): string[] {
  return core.requests.map((request) => `${request.method} ${request.path}`);
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "session-roles-artifacts-"));
  results = await buildFunctions({ outDir: join(workDir, "dist") });
  netlifyDir = join(workDir, "dist", "netlify");
  for (const result of results) {
    const files = unzipSync(new Uint8Array(await readFile(result.lambda.zip)));
    const target = join(workDir, "unzipped", result.name);
    await mkdir(target, { recursive: true });
    for (const [name, data] of Object.entries(files)) await writeFile(join(target, name), data);
    lambdaEntry.set(result.name, join(target, "index.mjs"));
  }
  // Roles exist before anyone signs up (the auth function grants the default role).
  initSuperTokens({ connectionURI: core.url, recipeList: [Session.init(), UserRoles.init()] });
  await seedRoles(await readCatalog());
});

afterAll(async () => {
  if (workDir) await rm(workDir, { recursive: true, force: true });
});

describe("build output", () => {
  it("builds every function of functions/ for both platforms, and a Lambda-only one for Lambda", async () => {
    const specs = listFunctions();
    expect(results.map((result) => result.name).sort()).toEqual(specs.map((spec) => spec.name));
    // What a function file says of itself (README "Your own function"), read without running it.
    const lambdaOnly = new Set(
      specs
        .filter((spec) => /^export const lambdaOnly = true/m.test(readFileSync(spec.source, "utf8")))
        .map((spec) => spec.name),
    );
    expect(lambdaOnly.size).toBeGreaterThan(0);
    for (const result of results) {
      expect(result.lambda.bytes).toBeGreaterThan(0);
      if (lambdaOnly.has(result.name)) expect(result.netlify).toBeUndefined();
      else expect(result.netlify?.bytes).toBeGreaterThan(0);
      // Every file is a module of its own: each chunk needs its own `require` for CommonJS code.
      for (const file of result.lambda.files) {
        const code = await readFile(file, "utf8");
        expect(code.startsWith(ESM_REQUIRE_BANNER), file).toBe(true);
      }
    }
  });

  it("zips each Lambda bundle's JavaScript files (index.mjs and its chunks) and their maps, byte for byte", async () => {
    for (const result of results) {
      const files = unzipSync(new Uint8Array(await readFile(result.lambda.zip)));
      const names = result.lambda.files.map((file) => basename(file));
      expect(names[0]).toBe("index.mjs");
      expect(Object.keys(files)).toEqual(names.flatMap((name) => [name, `${name}.map`]).sort());
      for (const file of [...result.lambda.files, ...result.lambda.files.map((file) => `${file}.map`)])
        expect(
          Buffer.from(files[basename(file)] ?? new Uint8Array()).equals(await readFile(file)),
          file,
        ).toBe(true);
    }
  });

  it("counts every file a function ships in its size, and what a cold start loads apart", async () => {
    for (const result of results) {
      for (const bundle of [result.lambda, ...(result.netlify ? [result.netlify] : [])]) {
        const sizes = await Promise.all(bundle.files.map(async (file) => (await readFile(file)).byteLength));
        expect(bundle.bytes).toBe(sizes.reduce((sum, size) => sum + size, 0));
        expect(bundle.startBytes).toBeGreaterThanOrEqual(sizes[0] ?? 0);
        expect(bundle.startBytes).toBeLessThanOrEqual(bundle.bytes);
      }
      // Netlify takes every top-level file of its functions folder for a function: no chunks there.
      if (result.netlify) expect(result.netlify.files).toEqual([result.netlify.file]);
    }
  });

  it("splits auth's Lambda bundle: nodemailer is in a chunk, with its own source map, not loaded at start", async () => {
    const auth = results.find((result) => result.name === "auth");
    if (!auth) throw new Error("no auth function was built");
    const { lambda } = auth;
    const chunks = lambda.files.slice(1).map((file) => basename(file));
    expect(chunks.length).toBeGreaterThanOrEqual(1);
    for (const chunk of chunks) expect(chunk).toMatch(/^chunk-[A-Z0-9]+\.mjs$/);
    for (const file of lambda.files) {
      expect(existsSync(`${file}.map`), file).toBe(true);
      expect(await readFile(file, "utf8"), file).toMatch(
        new RegExp(`//# sourceMappingURL=${basename(file).replace(".", "\\.")}\\.map\\n?$`),
      );
    }
    const smtp = Object.entries(lambda.metafile.outputs).find(
      ([path, output]) =>
        path.endsWith(".mjs") && Object.keys(output.inputs).some((input) => input.includes("/nodemailer/")),
    );
    expect(smtp?.[0]).toMatch(/\/chunk-[A-Z0-9]+\.mjs$/);
    expect(lambda.startBytes).toBeLessThanOrEqual(
      lambda.bytes - (smtp?.[1].bytes ?? Number.POSITIVE_INFINITY),
    );
  });

  it("loads one file at start unless the init phase awaits SuperTokens; chunks import index.mjs, columns kept", async () => {
    // The entry's `await initPhaseDone()` just before its export, as bundle.ts's entryFor writes it.
    const TOP_LEVEL_AWAIT = /await [\w$]+\(\);export\{[\w$]+ as handler\};/;
    const layouts = new Map<string, string[]>();
    for (const result of results) {
      const { metafile, file } = result.lambda;
      const entry = Object.keys(metafile.outputs).find((out) => /(^|\/)index\.mjs$/.test(out)) ?? "";
      const atStart = loadedAtStart(metafile, entry);
      const superTokens = atStart.some((out) =>
        Object.keys(metafile.outputs[out]?.inputs ?? {}).some((input) =>
          input.includes("/supertokens-node/"),
        ),
      );
      const index = await readFile(file, "utf8");
      layouts.set(result.name, atStart);
      if (superTokens) {
        // index.mjs awaits the init phase and imports one chunk, which holds everything else at start.
        expect(atStart.length, result.name).toBe(2);
        expect(index, result.name).toMatch(TOP_LEVEL_AWAIT);
        continue;
      }
      expect(atStart, result.name).toEqual([entry]);
      expect(index, result.name).not.toMatch(TOP_LEVEL_AWAIT);
      // Every chunk names only files the bundle ships, and reaches the start code as index.mjs: the new
      // name is padded to the old one's length, so each chunk is as long as esbuild wrote it (no column of
      // its source map moved).
      const shipped = new Set(result.lambda.files.map((path) => basename(path)));
      for (const chunk of result.lambda.files.slice(1)) {
        const code = await readFile(chunk, "utf8");
        const named = [...code.matchAll(/"\.\/([\w-]+\.mjs)"/g)].map((match) => match[1] ?? "");
        expect(
          named.filter((name) => !shipped.has(name)),
          chunk,
        ).toEqual([]);
        const meta = Object.entries(metafile.outputs).find(([out]) => basename(out) === basename(chunk))?.[1];
        expect(Buffer.byteLength(code), chunk).toBe(meta?.bytes);
      }
      expect(
        Object.values(metafile.outputs).some((output) => output.imports.some((i) => i.path === entry)),
        result.name,
      ).toBe(true);
    }
    // The project's own functions show both layouts: those loading supertokens-node at start, the rest.
    const sizes = new Set([...layouts.values()].map((files) => files.length));
    expect([...sizes].sort()).toEqual([1, 2]);
  });

  it("session's cold start loads no supertokens-node: it sits in chunks reached only through import()", () => {
    const session = results.find((result) => result.name === "session");
    if (!session) throw new Error("no session function was built");
    const { metafile } = session.lambda;
    const entry = Object.keys(metafile.outputs).find((out) => /(^|\/)index\.mjs$/.test(out)) ?? "";
    const atStart = loadedAtStart(metafile, entry);
    expect(atStart.length).toBeGreaterThanOrEqual(1);
    const inputsAtStart = atStart.flatMap((out) => Object.keys(metafile.outputs[out]?.inputs ?? {}));
    expect(inputsAtStart.filter((input) => input.includes("/supertokens-node/"))).toEqual([]);
    expect(inputsAtStart.filter((input) => input.includes("/@aws-lambda-powertools/"))).toEqual([]);
    // The quick path is what the start set holds; supertokens-node is still shipped, for everything else.
    expect(inputsAtStart).toContain("src/session/quick-verify.ts");
    expect(session.lambda.packages.map((pkg) => pkg.name)).toContain("supertokens-node");
    expect(session.lambda.startBytes).toBeLessThan(session.lambda.bytes / 4);
  });

  it("leaves out what no function uses", () => {
    for (const result of results) {
      for (const bundle of [result.lambda, ...(result.netlify ? [result.netlify] : [])]) {
        const packages = bundle.packages.map((pkg) => pkg.name);
        for (const gone of [
          "libphonenumber-js",
          "cross-fetch",
          "node-fetch",
          "whatwg-url",
          "tr46",
          "pako",
          "debug",
          "tldts",
          "tldts-core",
        ]) {
          expect(packages, `${result.name} (${bundle.platform}) contains ${gone}`).not.toContain(gone);
        }
      }
      if (result.profile === "verify") {
        const inputs = Object.keys(result.lambda.metafile.inputs).join("\n");
        expect(inputs).not.toMatch(/recipe\/thirdparty\/providers|recipe\/saml\/|crypto-js|authUtils\.js/);
      }
    }
  });

  it("leaves out supertokens-node's Headers polyfill and verifies RSA synchronously, in every bundle", () => {
    for (const result of results) {
      for (const bundle of [result.lambda, ...(result.netlify ? [result.netlify] : [])]) {
        const inputs = Object.keys(bundle.metafile.inputs).join("\n");
        const where = `${result.name} (${bundle.platform})`;
        // Trick 12: the polyfill (and framework/utils.js it dragged in) is gone, the stub is there.
        expect(inputs, where).not.toMatch(/framework\/custom\/nodeHeaders\.js/);
        expect(inputs, where).toMatch(/shims\/node-headers\.cjs/);
        // Trick 13: jose's verify reads oneShotCallback from the shim.
        expect(inputs, where).toMatch(/shims\/jose-verify-flags\.mjs/);
      }
    }
  });

  it("exports one platform's entry per bundle", async () => {
    for (const result of results) {
      const lambda = await run(lambdaEntry.get(result.name) ?? "", { kind: "exports" });
      // With one file at start, index.mjs also exports what its chunks import from it (short names).
      const exported = lambda.exports as string[];
      expect(exported).toContain("handler");
      expect(exported.filter((name) => ["default", "config"].includes(name))).toEqual([]);
      if (!result.netlify) continue;
      const netlify = await run(join(netlifyDir, `${result.name}.mjs`), { kind: "exports" });
      expect(netlify.exports).toEqual(["config", "default"]);
    }
  });

  it("keeps the Netlify adapter out of Lambda bundles and the Lambda adapter out of Netlify bundles", () => {
    // results.ts reads back both platforms' results (a handler may return either), so a bit of each
    // stays; the adapters themselves (event decoding, Request decoding) go with their export.
    const bytesOf = (metafile: FunctionResult["lambda"]["metafile"], file: string) =>
      Object.values(metafile.outputs)
        .flatMap((output) => Object.entries(output.inputs))
        .filter(([input]) => input.endsWith(file))
        .reduce((sum, [, info]) => sum + info.bytesInOutput, 0);
    for (const result of results) {
      const { lambda, netlify } = result;
      if (!netlify) continue;
      const netlifyAdapter = "src/http/adapters/netlify-v2.ts";
      expect(bytesOf(lambda.metafile, netlifyAdapter)).toBeLessThan(
        bytesOf(netlify.metafile, netlifyAdapter) / 2,
      );
      for (const lambdaAdapter of ["lambda.ts", "apigw-v2.ts", "alb.ts", "alb-single.ts", "alb-multi.ts"]) {
        const file = `src/http/adapters/${lambdaAdapter}`;
        expect(bytesOf(netlify.metafile, file), file).toBeLessThan(bytesOf(lambda.metafile, file) / 2);
      }
    }
  });
});

describe("the functions, served from their artifacts", () => {
  const email = `artifact-${Date.now()}@example.com`;
  let userId = "";
  let jar: Record<string, string> = {};
  let antiCsrf = "";

  it("signs up through the auth bundle (API Gateway v2) with the default role", async () => {
    const result = await invokeLambda(
      "auth",
      v2Event(
        "POST",
        "/auth/signup",
        { "content-type": "application/json", origin: WEBSITE_DOMAIN, "st-auth-mode": "cookie" },
        signUpBody(email),
      ),
    );
    expect(result.statusCode, result.body).toBe(200);
    const body = JSON.parse(result.body ?? "{}") as { status: string; user: { id: string } };
    expect(body.status).toBe("OK");
    userId = body.user.id;
    jar = cookieJar(result.cookies ?? []);
    expect(jar.sAccessToken).toBeTruthy();
    expect(jar.sRefreshToken).toBeTruthy();
    antiCsrf = result.headers?.["anti-csrf"] ?? "";
    expect(antiCsrf).toBeTruthy();
    expect(frontTokenPayload(result.headers?.["front-token"])).toMatchObject({ role: "user" });
    // Same site (localhost:3000 / localhost:3001): SameSite=Lax, and no Secure over http. The build
    // leaves tldts out (bench/TRICKS.md trick 11); COOKIE_SAME_SITE defaults without it.
    const attributes = cookieAttributes(result.cookies ?? []);
    for (const name of ["sAccessToken", "sRefreshToken"]) {
      expect(attributes[name], name).toContain("samesite=lax");
      expect(attributes[name], name).not.toContain("secure");
    }
  });

  it("loads auth's SMTP chunk on the first email, from the unzipped folder (CommonJS nodemailer in a chunk)", async () => {
    const address = `smtp-chunk-${Date.now()}@example.com`;
    const json = { "content-type": "application/json" };
    const signUp = await invokeLambda("auth", v2Event("POST", "/auth/signup", json, signUpBody(address)));
    expect(signUp.statusCode, signUp.body).toBe(200);
    // A server that turns every client away at the greeting: the error it causes, thrown from a
    // chunk, proves the chunk was imported and nodemailer (with the chunk's own `require` of
    // node:net) ran. Nothing is sent.
    let connections = 0;
    const smtp = createServer((socket) => {
      connections += 1;
      socket.end("554 no mail here\r\n");
    });
    const { port: smtpPort } = await listenOnLoopback(smtp);
    try {
      const resetRequest = v2Event(
        "POST",
        "/auth/user/password/reset/token",
        json,
        JSON.stringify({ formFields: [{ id: "email", value: address }] }),
      );
      const smtpEnv = {
        SMTP_HOST: "127.0.0.1",
        SMTP_PORT: String(smtpPort),
        SMTP_PASSWORD: "smtp-password-1",
        SMTP_FROM: "no-reply@example.com",
        SMTP_SECURE: "false",
      };
      const { code, stderr } = await runNode([RUNNER, lambdaEntry.get("auth") ?? ""], {
        env: bundleEnv(smtpEnv),
        input: JSON.stringify({ kind: "lambda", event: resetRequest }),
      });
      expect(code, stderr).toBe(0);
      expect(connections).toBe(1);
      expect(stderr).toContain("554 no mail here");
      expect(stderr).toMatch(/unzipped\/auth\/chunk-[A-Z0-9]+\.mjs:\d+/);
      // As deployed (serverless.yml's NODE_OPTIONS): the maps in the zip name the original files.
      const mapped = await runNode([RUNNER, lambdaEntry.get("auth") ?? ""], {
        env: bundleEnv({ ...smtpEnv, NODE_OPTIONS: "--enable-source-maps" }),
        input: JSON.stringify({ kind: "lambda", event: resetRequest }),
      });
      expect(mapped.code, mapped.stderr).toBe(0);
      expect(mapped.stderr).toMatch(/node_modules\/nodemailer\/lib\/[\w/-]+\.js:\d+:\d+/);
      expect(mapped.stderr).not.toMatch(/chunk-[A-Z0-9]+\.mjs:\d+/);
    } finally {
      smtp.close();
    }
  });

  it("answers a preflight from a known list where it verifies alone, the same as where supertokens-node answers", async () => {
    const preflight = v2Event("OPTIONS", "/session", {
      origin: WEBSITE_DOMAIN,
      "access-control-request-method": "GET",
      "access-control-request-headers": "rid,fdi-version,st-auth-mode",
    });
    const alone = await invokeLambda("session", preflight);
    // update-role loads supertokens-node at import, so it asks supertokens-node for the list.
    const withSuperTokens = await invokeLambda("update-role", { ...preflight, rawPath: "/update-role" });
    expect(alone.statusCode).toBe(204);
    const allowed = (result: LambdaResult) => result.headers?.["access-control-allow-headers"];
    expect(allowed(alone)).toBe("content-type, rid, fdi-version, anti-csrf, authorization, st-auth-mode");
    expect(allowed(alone)).toBe(allowed(withSuperTokens));
    expect(alone.headers?.["access-control-allow-origin"]).toBe(WEBSITE_DOMAIN);
  });

  it("refuses a request without a session (401)", async () => {
    const result = await invokeLambda("session", v2Event("GET", "/session"));
    expect(result.statusCode).toBe(401);
  });

  it("writes a granted role into the token with one regenerate (update-role bundle)", async () => {
    expect((await UserRoles.addRoleToUser("public", userId, "editor")).status).toBe("OK");
    core.clearRequests();
    const result = await invokeLambda(
      "update-role",
      v2Event("POST", "/update-role", { cookie: `sAccessToken=${jar.sAccessToken}`, "anti-csrf": antiCsrf }),
    );
    expect(result.statusCode, result.body).toBe(200);
    expect(JSON.parse(result.body ?? "{}")).toMatchObject({
      role: "editor",
      roles: expect.arrayContaining(["user", "editor"]),
    });
    const payload = frontTokenPayload(result.headers?.["front-token"]);
    expect(payload).toMatchObject({ role: "editor", "st-role": { v: expect.arrayContaining(["editor"]) } });
    const fresh = cookieJar(result.cookies ?? []);
    expect(fresh.sAccessToken).toBeTruthy();
    jar = { ...jar, ...fresh };
    const paths = corePaths();
    expect(paths.filter((path) => path.includes("/recipe/session/regenerate"))).toHaveLength(1);
    expect(paths.filter((path) => /^GET (\/\w+)?\/recipe\/user\/roles$/.test(path))).toHaveLength(1);
    expect(paths.filter((path) => path.includes("/recipe/session/verify"))).toHaveLength(0);
  });

  it("answers GET /session from the token alone (session bundle, Lambda)", async () => {
    core.clearRequests();
    const result = await invokeLambda(
      "session",
      v2Event("GET", "/session", { cookie: `sAccessToken=${jar.sAccessToken}` }),
    );
    expect(result.statusCode, result.body).toBe(200);
    expect(JSON.parse(result.body ?? "{}")).toMatchObject({ userId, role: "editor" });
    // A cold process fetches the JWKS once; verifying never asks the core.
    expect(corePaths().filter((path) => !path.endsWith("/.well-known/jwks.json"))).toEqual([]);
  });

  it("refuses forged and tampered tokens through the session bundle (jose verifies synchronously)", async () => {
    const [header, payload, signature = ""] = (jar.sAccessToken ?? "").split(".");
    const tampered = JSON.parse(Buffer.from(payload ?? "", "base64url").toString());
    tampered.role = "admin";
    const forgeries = [
      `${header}.${payload}.${"A".repeat(signature.length)}`,
      `${header}.${Buffer.from(JSON.stringify(tampered)).toString("base64url")}.${signature}`,
      `${header}.${payload}.${signature.slice(0, -4)}`,
    ];
    for (const token of forgeries) {
      const result = await invokeLambda(
        "session",
        v2Event("GET", "/session", { cookie: `sAccessToken=${token}` }),
      );
      expect(result.statusCode, token).toBe(401);
    }
  });

  it("answers GET /session through the Netlify bundle with a web Request", async () => {
    const output = await run(join(netlifyDir, "session.mjs"), {
      kind: "netlify",
      request: {
        url: `${API_DOMAIN}/session`,
        method: "GET",
        headers: { cookie: `sAccessToken=${jar.sAccessToken}` },
      },
    });
    const response = output.response as { status: number; body: string };
    expect(response.status, response.body).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ userId, role: "editor" });
    expect(output.config).toEqual({ path: "/session", method: "GET" });
  });

  it("refuses a role the user lacks (editor-only, user-roles bundles: 403)", async () => {
    const cookie = `sAccessToken=${jar.sAccessToken}`;
    const notAdmin = await invokeLambda("user-roles", v2Event("GET", `/users/${userId}/roles`, { cookie }));
    expect(notAdmin.statusCode, notAdmin.body).toBe(403);
    expect(notAdmin.body).toContain("st-role");
  });

  it("grants a role the core says the user has (editor-only, user-roles bundles: 200)", async () => {
    const cookie = `sAccessToken=${jar.sAccessToken}`;
    const editor = await invokeLambda("editor-only", v2Event("GET", "/editor-only", { cookie }));
    expect(editor.statusCode, editor.body).toBe(200);
    expect((await UserRoles.addRoleToUser("public", userId, "admin")).status).toBe("OK");
    const admin = await invokeLambda("user-roles", v2Event("GET", `/users/${userId}/roles`, { cookie }));
    expect(admin.statusCode, admin.body).toBe(200);
    expect(JSON.parse(admin.body ?? "{}")).toMatchObject({ userId, role: "admin" });
  });

  it("refreshes through the auth bundle (SuperTokens' own API routes stay in the routes bundle)", async () => {
    const result = await invokeLambda(
      "auth",
      v2Event("POST", "/auth/session/refresh", {
        cookie: `sRefreshToken=${jar.sRefreshToken}`,
        "anti-csrf": antiCsrf,
      }),
    );
    expect(result.statusCode, result.body).toBe(200);
    expect(cookieJar(result.cookies ?? []).sAccessToken).toBeTruthy();
  });
});

describe("cookies of a cross-site https deployment, served from the artifacts", () => {
  // api.example.com and app.example.com: COOKIE_SAME_SITE defaults to none without a public-suffix
  // list, so the cookies must be SameSite=None; Secure (what a browser needs for cross-site fetches).
  const env = { API_DOMAIN: "https://api.example.com", WEBSITE_DOMAIN: "https://app.example.com" };
  const origin = env.WEBSITE_DOMAIN;

  it("signs up (auth bundle) and updates the role (update-role bundle) with SameSite=None; Secure", async () => {
    const signUp = await invokeLambda(
      "auth",
      v2Event(
        "POST",
        "/auth/signup",
        { "content-type": "application/json", origin, "st-auth-mode": "cookie" },
        signUpBody(`artifact-https-${Date.now()}@example.com`),
      ),
      env,
    );
    expect(signUp.statusCode, signUp.body).toBe(200);
    const signUpCookies = cookieAttributes(signUp.cookies ?? []);
    for (const name of ["sAccessToken", "sRefreshToken"]) {
      expect(signUpCookies[name], name).toContain("samesite=none");
      expect(signUpCookies[name], name).toContain("secure");
    }
    const jar = cookieJar(signUp.cookies ?? []);
    const antiCsrf = signUp.headers?.["anti-csrf"] ?? "";
    expect(antiCsrf).toBeTruthy();

    const update = await invokeLambda(
      "update-role",
      v2Event("POST", "/update-role", {
        cookie: `sAccessToken=${jar.sAccessToken}`,
        "anti-csrf": antiCsrf,
        origin,
      }),
      env,
    );
    expect(update.statusCode, update.body).toBe(200);
    const updateCookies = cookieAttributes(update.cookies ?? []);
    expect(updateCookies.sAccessToken).toContain("samesite=none");
    expect(updateCookies.sAccessToken).toContain("secure");
  });
});

describe("the shims keep their packages' contracts", () => {
  const require = createRequire(import.meta.url);

  it("pako → node:zlib inflates gzip and deflate, and reports corrupt input", () => {
    const { Inflate } = require(join(SHIMS, "pako.cjs")) as {
      Inflate: new () => {
        push(chunk: Uint8Array, last: boolean): boolean;
        err: number;
        msg: string;
        result: Uint8Array;
      };
    };
    const text = JSON.stringify({ hello: "world".repeat(100) });
    const gz = gzipSync(text);
    const inflator = new Inflate();
    inflator.push(gz.subarray(0, 10), false);
    inflator.push(gz.subarray(10), false);
    expect(inflator.err).toBe(0);
    expect(new TextDecoder().decode(inflator.result)).toBe(text);
    const broken = new Inflate();
    broken.push(new Uint8Array([1, 2, 3]), false);
    expect(broken.err).not.toBe(0);
    expect(broken.msg).toBeTruthy();
  });

  it("debug → honours enable(), DEBUG-style wildcards and negation", () => {
    const debug = require(join(SHIMS, "debug.cjs")) as ((ns: string) => unknown) & {
      enabled(ns: string): boolean;
      enable(ns: string): void;
    };
    expect(debug.enabled("com.supertokens")).toBe(/com\.supertokens|\*/.test(process.env.DEBUG ?? ""));
    debug.enable("com.*,-com.other");
    expect(debug.enabled("com.supertokens")).toBe(true);
    expect(debug.enabled("com.other")).toBe(false);
  });

  it("tldts → the hostname, with IP addresses recognised", () => {
    const { parse } = require(join(SHIMS, "tldts.cjs")) as {
      parse(hostname: string, options?: unknown): { domain: string | null; hostname: string; isIp: boolean };
    };
    expect(parse("api.example.com", { allowPrivateDomains: true })).toMatchObject({
      domain: "api.example.com",
      hostname: "api.example.com",
      isIp: false,
    });
    expect(parse("10.0.0.1").isIp).toBe(true);
  });

  it("refuses supertokens-node's Headers polyfill loudly (trick 12: never built on Node ≥ 18)", () => {
    const { default: NodeHeaders } = require(join(SHIMS, "node-headers.cjs")) as {
      default: new () => unknown;
    };
    expect(() => new NodeHeaders()).toThrow(/not bundled/);
  });

  it("cross-fetch → the runtime's fetch", async () => {
    const crossFetch = require(join(SHIMS, "cross-fetch.cjs")) as typeof fetch & {
      default: typeof fetch;
      Headers: unknown;
    };
    expect(crossFetch.Headers).toBe(globalThis.Headers);
    const response = await crossFetch.default(`${core.url}/hello`);
    expect(response.status).toBe(200);
  });
});

describe("the authorizer, served from its artifact", () => {
  const METHOD_ARN = methodArn("GET", "/py/whoami");
  const EDITOR_ARN = methodArn("GET", "/py/editor");
  let userId = "";
  let bearer = "";
  let cookie = "";

  const authorize = async (event: unknown) => {
    const entry = lambdaEntry.get("authorizer");
    if (!entry) throw new Error("no unzipped authorizer");
    return run(entry, { kind: "lambda", event });
  };

  it("signs a user up in header mode and in cookie mode (auth bundle)", async () => {
    for (const mode of ["header", "cookie"] as const) {
      const result = await invokeLambda(
        "auth",
        v2Event(
          "POST",
          "/auth/signup",
          { "content-type": "application/json", "st-auth-mode": mode },
          signUpBody(`authorizer-${mode}-${Date.now()}@example.com`),
        ),
      );
      expect(result.statusCode, result.body).toBe(200);
      if (mode === "header") {
        bearer = result.headers?.["st-access-token"] ?? "";
        userId = (JSON.parse(result.body ?? "{}") as { user: { id: string } }).user.id;
      } else cookie = `sAccessToken=${cookieJar(result.cookies ?? []).sAccessToken}`;
    }
    expect(bearer).toBeTruthy();
    expect(cookie).toMatch(/^sAccessToken=ey/);
  });

  it("HTTP API: isAuthorized with the user, role and permissions in the context", async () => {
    const output = await authorize(httpApiAuthorizerEvent(bearer, "GET /py/whoami"));
    expect(output.result).toEqual({
      isAuthorized: true,
      context: {
        userId,
        sessionHandle: expect.any(String),
        tenantId: "public",
        role: "user",
        roles: "user",
        permissions: expect.stringContaining("content:read"),
      },
    });
  });

  it("HTTP API: cookie mode works for a GET, a POST needs the anti-CSRF proof (401 without)", async () => {
    const get = await authorize(httpApiAuthorizerRequest("GET /py/whoami", {}, { cookies: [cookie] }));
    expect(get.result).toMatchObject({ isAuthorized: true });
    const post = await authorize({
      ...httpApiAuthorizerRequest("POST /py/whoami", {}, { cookies: [cookie] }),
      requestContext: { http: { method: "POST", path: "/py/whoami" }, stage: "$default" },
    });
    expect(post.error).toBe("Unauthorized");
  });

  it("HTTP API: a route that requires editor is refused (isAuthorized false) until the core grants it", async () => {
    const refused = await authorize(httpApiAuthorizerEvent(bearer, "GET /py/editor"));
    expect(refused.result).toEqual({ isAuthorized: false, context: {} });
    expect((await UserRoles.addRoleToUser("public", userId, "editor")).status).toBe("OK");
    const allowed = await authorize(httpApiAuthorizerEvent(bearer, "GET /py/editor"));
    expect(allowed.result).toMatchObject({ isAuthorized: true, context: { role: "editor" } });
    expect((await UserRoles.removeUserRole("public", userId, "editor")).status).toBe("OK");
    const revoked = await authorize(httpApiAuthorizerEvent(bearer, "GET /py/editor"));
    expect(revoked.result).toMatchObject({ isAuthorized: false });
  });

  it("REST REQUEST: an Allow policy on the method ARN, the user id as principal, scalar context", async () => {
    const output = await authorize(restRequestAuthorizerEvent(bearer, "GET", "/py/whoami", "/py/whoami"));
    expect(output.result).toMatchObject({
      principalId: userId,
      policyDocument: {
        Version: "2012-10-17",
        Statement: [{ Action: "execute-api:Invoke", Effect: "Allow", Resource: METHOD_ARN }],
      },
      context: { userId, role: "user", roles: "user" },
    });
    const denied = await authorize(restRequestAuthorizerEvent(bearer, "GET", "/py/editor", "/py/editor"));
    expect(denied.result).toMatchObject({
      principalId: userId,
      policyDocument: { Statement: [{ Effect: "Deny", Resource: EDITOR_ARN }] },
    });
    expect(denied.result).not.toHaveProperty("context");
  });

  it("REST TOKEN: the same policy from the Authorization header alone; the route from the ARN", async () => {
    const allowed = await authorize(restTokenAuthorizerEvent(bearer, "GET", "/py/whoami"));
    expect(allowed.result).toMatchObject({
      principalId: userId,
      policyDocument: { Statement: [{ Effect: "Allow", Resource: METHOD_ARN }] },
      context: { userId },
    });
    const denied = await authorize(restTokenAuthorizerEvent(bearer, "GET", "/py/editor"));
    expect(denied.result).toMatchObject({ policyDocument: { Statement: [{ Effect: "Deny" }] } });
  });

  it("no session, a forged token or garbage: Unauthorized (401) for every event kind", async () => {
    const [header, payload] = bearer.split(".");
    const forged = `${header}.${payload}.${"A".repeat(342)}`;
    for (const event of [
      httpApiAuthorizerRequest("GET /py/whoami", {}),
      httpApiAuthorizerEvent(forged, "GET /py/whoami"),
      restRequestAuthorizerEvent("not-a-jwt", "GET", "/py/whoami", "/py/whoami"),
      restTokenAuthorizerRequest("", "GET", "/py/whoami"),
      restTokenAuthorizerEvent(forged, "GET", "/py/whoami"),
    ]) {
      const output = await authorize(event);
      expect(output.error, JSON.stringify(event).slice(0, 120)).toBe("Unauthorized");
    }
  });

  it("fails closed when the core cannot answer: an error (API Gateway's 500), never an Allow", async () => {
    const down = await run(
      lambdaEntry.get("authorizer") ?? "",
      { kind: "lambda", event: httpApiAuthorizerEvent(bearer, "GET /py/whoami") },
      { SUPERTOKENS_CONNECTION_URI: "http://127.0.0.1:9" },
    );
    expect(down.result).toBeUndefined();
    expect(String(down.error)).toMatch(/unavailable|unverifiable/);
  });
});

describe("API Gateway's JWT authorizer, done by hand against the auth artifact", () => {
  // serverless-offline's JWT scheme does not check signatures: this checks our tokens the way API
  // Gateway does — discovery document → jwks_uri → signature, then iss, aud and exp.
  let token = "";

  const getFromAuth = async (path: string) => {
    const result = await invokeLambda("auth", v2Event("GET", path));
    expect(result.statusCode, `${path}: ${result.body}`).toBe(200);
    return JSON.parse(result.body ?? "{}") as Record<string, unknown>;
  };

  it("a header-mode token verifies against the discovery document's JWKS with iss and aud", async () => {
    const signUp = await invokeLambda(
      "auth",
      v2Event(
        "POST",
        "/auth/signup",
        { "content-type": "application/json", "st-auth-mode": "header" },
        signUpBody(`jwt-${Date.now()}@example.com`),
      ),
    );
    expect(signUp.statusCode, signUp.body).toBe(200);
    token = signUp.headers?.["st-access-token"] ?? "";

    const discovery = await getFromAuth("/auth/.well-known/openid-configuration");
    expect(discovery.issuer).toBe(`${API_DOMAIN}/auth`);
    const jwksUri = new URL(String(discovery.jwks_uri));
    expect(jwksUri.origin).toBe(API_DOMAIN);
    const jwks = await getFromAuth(jwksUri.pathname);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks as never), {
      issuer: String(discovery.issuer),
      audience: "session-roles",
      algorithms: ["RS256"],
    });
    expect(protectedHeader.kid).toBeTruthy();
    expect(payload).toMatchObject({ aud: "session-roles", role: "user", iss: `${API_DOMAIN}/auth` });
  });

  it("refuses another audience, another issuer and an expired token, as API Gateway would", async () => {
    const discovery = await getFromAuth("/auth/.well-known/openid-configuration");
    const jwks = createLocalJWKSet(
      (await getFromAuth(new URL(String(discovery.jwks_uri)).pathname)) as never,
    );
    const issuer = String(discovery.issuer);
    await expect(jwtVerify(token, jwks, { issuer, audience: "someone-else" })).rejects.toThrow(/aud/);
    await expect(
      jwtVerify(token, jwks, { issuer: "https://evil.example/auth", audience: "session-roles" }),
    ).rejects.toThrow(/iss/);
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: "session-roles" });
    const afterExpiry = new Date(((payload.exp ?? 0) + 1) * 1000);
    await expect(
      jwtVerify(token, jwks, { issuer, audience: "session-roles", currentDate: afterExpiry }),
    ).rejects.toThrow(/exp/);
  });

  it("scopes: a route's authorizationScopes admit a token whose `scope` holds one of them, as API Gateway does", async () => {
    // API Gateway's rule (HTTP API JWT authorizers): a route with scopes needs at least one of them
    // in the token's space-separated `scope` claim, else 403.
    const admitted = (claims: Record<string, unknown>, routeScopes: string[]) =>
      routeScopes.some((scope) =>
        String(claims.scope ?? "")
          .split(" ")
          .includes(scope),
      );
    const writers = ["content:write"];
    const discovery = await getFromAuth("/auth/.well-known/openid-configuration");
    const jwks = createLocalJWKSet(
      (await getFromAuth(new URL(String(discovery.jwks_uri)).pathname)) as never,
    );
    const verify = async (jwt: string) =>
      (await jwtVerify(jwt, jwks, { issuer: String(discovery.issuer), audience: "session-roles" })).payload;

    const json = { "content-type": "application/json", "st-auth-mode": "header" };
    const signUp = await invokeLambda(
      "auth",
      v2Event("POST", "/auth/signup", json, signUpBody(`scope-${Date.now()}@example.com`)),
    );
    const userId = (JSON.parse(signUp.body ?? "{}") as { user: { id: string } }).user.id;
    const user = await verify(signUp.headers?.["st-access-token"] ?? "");
    expect(user.scope).toBe("content:read");
    expect(admitted(user, writers)).toBe(false);

    // Granted in the core; the next refresh's token carries the scope.
    expect((await UserRoles.addRoleToUser("public", userId, "editor")).status).toBe("OK");
    const refreshed = await invokeLambda(
      "auth",
      v2Event("POST", "/auth/session/refresh", {
        authorization: `Bearer ${signUp.headers?.["st-refresh-token"]}`,
        "st-auth-mode": "header",
      }),
    );
    expect(refreshed.statusCode, refreshed.body).toBe(200);
    const editor = await verify(refreshed.headers?.["st-access-token"] ?? "");
    expect(String(editor.scope).split(" ").sort()).toEqual(["content:read", "content:write"]);
    expect(admitted(editor, writers)).toBe(true);
  });
});
