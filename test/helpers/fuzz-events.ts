// fast-check arbitraries for malformed input: Lambda events of every shape, Netlify v2 Requests,
// auth-route requests and raw HTTP requests to the local core. Nothing here ever carries a token
// the core signed, so no generated request may reach a handler.
import fc from "fast-check";
import { MAX_BODY_BYTES, MAX_HEADER_BYTES } from "../../src/http/limits.ts";
import { LAMBDA_PLATFORMS, type RequestSpec } from "./events.ts";

/** The fixed seed of every corpus: a failure is reproduced by running the file again. */
export const FUZZ_SEED = 0x5e55_1035;

// ---------------------------------------------------------------------------------------------
// Pieces

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Strings that look like access tokens but were never signed by the core. */
export const bogusToken: fc.Arbitrary<string> = fc.oneof(
  fc.constant(""),
  fc.constant("undefined"),
  fc.constant("a.b.c"),
  fc.constant("..."),
  fc.string({ maxLength: 64 }),
  fc.base64String({ maxLength: 200 }),
  fc
    .record({ sub: fc.string(), exp: fc.integer(), sessionHandle: fc.uuid() })
    .map((payload) => `${b64({ alg: "none", typ: "JWT", version: "5" })}.${b64(payload)}.`),
  fc
    .tuple(fc.string({ maxLength: 20 }), fc.json({ maxDepth: 2 }), fc.string({ maxLength: 40 }))
    .map(([kid, payload, sig]) => `${b64({ alg: "RS256", kid, version: "5" })}.${b64(payload)}.${sig}`),
  fc.constant(`${b64({ alg: "RS256", version: "5", kid: "d-1" })}.not-json.sig`),
);

const unknownMethod = fc.oneof(
  fc.constantFrom(
    "BREW",
    "PROPFIND",
    "TRACE",
    "CONNECT",
    "MKCOL",
    "LINK",
    "get ",
    " POST",
    "",
    "G\u0000ET",
    "ÉCRIRE",
  ),
  fc.string({ minLength: 1, maxLength: 12 }),
);
const knownMethod = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "post");
export const anyMethod = fc.oneof(
  { arbitrary: knownMethod, weight: 3 },
  { arbitrary: unknownMethod, weight: 1 },
);

const pathArb = fc.oneof(
  fc.constantFrom(
    "/session",
    "/update-role",
    "/users/u1/roles",
    "/users/u1/roles/admin",
    "/",
    "/editor-only",
  ),
  fc.constantFrom(
    "/%zz",
    "/users/%E0%A4%A/roles",
    "/\u0000",
    "/..%2f..%2fetc/passwd",
    `/${"a".repeat(5000)}`,
  ),
  fc.webPath().map((path) => (path.startsWith("/") ? path : `/${path}`)),
);

const controlChar = fc.integer({ min: 0, max: 31 }).map((code) => String.fromCharCode(code));
const weirdHeaderValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.tuple(fc.string({ maxLength: 8 }), controlChar, fc.string({ maxLength: 8 })).map((p) => p.join("")),
  fc.constantFrom("é", "日本語", "😀", "a\r\nx-injected: 1", "\u0000", "\u007f", "\uffff", " padded "),
);
const weirdHeaderName = fc.oneof(
  fc.constantFrom(
    "x-ok",
    "role",
    "x-role",
    "Authorization",
    "st-auth-mode",
    "rid",
    "anti-csrf",
    "content-type",
  ),
  fc.constantFrom("bad name", "x:y", "", "é", "x\u0000", "(", "\r\n"),
  fc.string({ maxLength: 12 }),
);

const cookieLine = fc.oneof(
  bogusToken.map((token) => `sAccessToken=${token}; sAccessToken=other`),
  bogusToken.map((token) => `sAccessToken=${token}`),
  fc.constantFrom(
    "sAccessToken=",
    "=;;==; ;",
    'sAccessToken="unterminated',
    "sAccessToken=%E0%A4%A",
    "sAccessToken=a;sAccessToken=b;sAccessToken=c",
    "role=admin; sFrontToken=x",
    "sAccessToken=a,sRefreshToken=b",
    ";;;;",
    "sAccessToken=é",
  ),
  fc.string({ maxLength: 80 }),
);

const authHeader = fc.oneof(
  bogusToken.map((token) => `Bearer ${token}`),
  fc.constantFrom("Bearer", "Bearer ", "Basic YWRtaW46YWRtaW4=", "bearer  x y", "Bearer\ta.b.c"),
  fc.string({ maxLength: 40 }),
);

const hugeJson = fc
  .integer({ min: 1, max: 64 })
  .map((extra) => JSON.stringify({ role: "admin", pad: "x".repeat(MAX_BODY_BYTES + extra * 1024) }));

export const badBody: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom("{", "}", "{'role':'admin'}", '{"role":', "null", "[]", "\u0000", '{"a":1}x', "NaN"),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.string({ unit: "binary", maxLength: 100 }),
  hugeJson,
);

/** A request as a client might send it, deliberately odd but still renderable by the event factories. */
export const oddSpec: fc.Arbitrary<RequestSpec> = fc.record(
  {
    method: anyMethod,
    path: pathArb,
    headers: fc.dictionary(
      weirdHeaderName,
      fc.oneof(weirdHeaderValue, fc.array(weirdHeaderValue, { maxLength: 3 })),
      {
        maxKeys: 4,
      },
    ),
    body: badBody,
    base64: fc.boolean(),
  },
  { requiredKeys: ["method", "path"] },
);

// ---------------------------------------------------------------------------------------------
// Event mutations: what a broken proxy, a hand-written test event or an attacker with direct
// invoke rights could hand the function.

const wrongValue = fc.oneof(
  fc.constantFrom(null, undefined, 0, 42, -1, true, false, "", "str", [], {}, [null], { a: null }, { a: 1 }),
  fc.constantFrom({ a: [1] }, [["x"]], { toString: "x" }, Number.NaN, "2.0"),
  fc.json({ maxDepth: 2 }).map((text) => JSON.parse(text) as unknown),
);

const EVENT_KEYS = [
  "version",
  "httpMethod",
  "path",
  "rawPath",
  "rawQueryString",
  "headers",
  "multiValueHeaders",
  "queryStringParameters",
  "multiValueQueryStringParameters",
  "cookies",
  "body",
  "isBase64Encoded",
  "requestContext",
  "requestContext.http",
  "requestContext.http.method",
  "requestContext.http.path",
  "requestContext.elb",
  "requestContext.stage",
  "headers.cookie",
  "headers.authorization",
  "multiValueHeaders.cookie",
  "multiValueHeaders.Cookie",
] as const;

type Json = Record<string, unknown>;

function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split(".");
  let current: unknown = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof current !== "object" || current === null) return;
    const next = (current as Json)[key];
    if (typeof next !== "object" || next === null) {
      (current as Json)[key] = {};
    }
    current = (current as Json)[key];
  }
  const last = keys.at(-1)!;
  if (typeof current !== "object" || current === null) return;
  if (value === undefined) delete (current as Json)[last];
  else (current as Json)[last] = value;
}

export type Mutation = { label: string; apply: (event: Json) => void };

const invalidBase64 = fc.oneof(
  fc.constantFrom("!!!!", "abc", "a===", "YWJj\u0000", "%%%%", "YQ=Y", "=abc", "é"),
  fc.string({ minLength: 1, maxLength: 50 }).filter((s) => !/^[A-Za-z0-9+/\s]*={0,2}$/.test(s)),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.constantFrom(...EVENT_KEYS), wrongValue).map(([path, value]) => ({
    label: `${path} := ${String(JSON.stringify(value) ?? "undefined").slice(0, 40)}`,
    apply: (event: Json) => setPath(event, path, value),
  })),
  invalidBase64.map((body) => ({
    label: `invalid base64 body ${JSON.stringify(body)}`,
    apply: (event: Json) => {
      event.body = body;
      event.isBase64Encoded = true;
    },
  })),
  fc.integer({ min: 1, max: 8 }).map((kib) => ({
    label: `headers over ${MAX_HEADER_BYTES} bytes (+${kib} KiB)`,
    apply: (event: Json) => {
      const big = "h".repeat(MAX_HEADER_BYTES + kib * 1024);
      if (typeof event.headers === "object" && event.headers) (event.headers as Json)["x-big"] = big;
      else event.headers = { "x-big": big };
      if (typeof event.multiValueHeaders === "object" && event.multiValueHeaders)
        (event.multiValueHeaders as Json)["x-big"] = [big];
    },
  })),
  fc.tuple(weirdHeaderName, weirdHeaderValue).map(([name, value]) => ({
    label: `header ${JSON.stringify(name)}: ${JSON.stringify(value)}`,
    apply: (event: Json) => {
      if (typeof event.headers === "object" && event.headers) (event.headers as Json)[name] = value;
      if (typeof event.multiValueHeaders === "object" && event.multiValueHeaders)
        (event.multiValueHeaders as Json)[name] = [value, value];
    },
  })),
  fc.array(cookieLine, { minLength: 1, maxLength: 3 }).map((lines) => ({
    label: `cookies ${JSON.stringify(lines).slice(0, 80)}`,
    apply: (event: Json) => {
      if (event.version === "2.0") event.cookies = lines;
      const line = lines.join("; ");
      if (typeof event.headers === "object" && event.headers) (event.headers as Json).cookie = line;
      if (typeof event.multiValueHeaders === "object" && event.multiValueHeaders)
        (event.multiValueHeaders as Json).cookie = lines;
    },
  })),
  authHeader.map((value) => ({
    label: `authorization ${JSON.stringify(value).slice(0, 60)}`,
    apply: (event: Json) => {
      if (typeof event.headers === "object" && event.headers) (event.headers as Json).authorization = value;
      if (typeof event.multiValueHeaders === "object" && event.multiValueHeaders)
        (event.multiValueHeaders as Json).authorization = [value, "Bearer second"];
    },
  })),
  unknownMethod.map((method) => ({
    label: `method ${JSON.stringify(method)}`,
    apply: (event: Json) => {
      if (event.version === "2.0") setPath(event, "requestContext.http.method", method);
      else event.httpMethod = method;
    },
  })),
  hugeJson.map((body) => ({
    label: `body of ${body.length} bytes`,
    apply: (event: Json) => {
      event.body = body;
      event.isBase64Encoded = false;
    },
  })),
);

/** Values that are not events at all. */
const notAnEvent = fc.constantFrom<unknown>(null, undefined, 0, "GET /", [], {}, { requestContext: null }, [
  { httpMethod: "GET", path: "/" },
]);

export interface EventCase {
  label: string;
  event: unknown;
}

/** A malformed event of one of the Lambda shapes (or no shape at all). */
export const malformedEvent: fc.Arbitrary<EventCase> = fc.oneof(
  {
    arbitrary: notAnEvent.map((event) => ({
      label: `not an event: ${String(JSON.stringify(event))}`,
      event,
    })),
    weight: 1,
  },
  {
    weight: 12,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...LAMBDA_PLATFORMS),
        oddSpec,
        fc.array(mutation, { minLength: 0, maxLength: 3 }),
      )
      .map(([platform, spec, mutations]) => {
        const event = structuredClone(platform.event(spec)) as Json;
        for (const m of mutations) m.apply(event);
        return {
          label: `${platform.name} ${spec.method} ${String(spec.path).slice(0, 40)} | ${mutations.map((m) => m.label).join(" | ")}`,
          event,
        };
      }),
  },
);

export interface WebCase {
  label: string;
  /** Builds the Request; throws when the Fetch spec itself refuses it (then it cannot reach Netlify). */
  build: () => Request;
}

/** A Netlify v2 Request with odd methods, paths, headers, cookies and bodies. */
export const malformedWebRequest: fc.Arbitrary<WebCase> = fc
  .tuple(
    oddSpec,
    fc.array(cookieLine, { maxLength: 2 }),
    fc.option(authHeader, { nil: undefined }),
    fc.boolean(),
    fc.integer({ min: 0, max: 8 }),
  )
  .map(([spec, cookies, authorization, bigHeaders, declaredExtraKiB]) => ({
    label: `${spec.method} ${String(spec.path).slice(0, 40)} cookies=${JSON.stringify(cookies).slice(0, 60)} big=${bigHeaders}`,
    build: () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(spec.headers ?? {}))
        for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
      for (const line of cookies) headers.append("cookie", line);
      if (authorization !== undefined) headers.set("authorization", authorization);
      if (bigHeaders) headers.set("x-big", "h".repeat(MAX_HEADER_BYTES + 1024));
      headers.delete("access-control-request-method");
      const body =
        spec.body === undefined || spec.method === "GET" || spec.method === "HEAD" ? null : spec.body;
      if (body !== null && declaredExtraKiB > 4)
        headers.set("content-length", String(MAX_BODY_BYTES + declaredExtraKiB));
      return new Request(`https://example.netlify.app${spec.path}`, {
        method: spec.method ?? "GET",
        headers,
        body,
        ...(body === null ? {} : { duplex: "half" }),
      } as RequestInit);
    },
  }));

// ---------------------------------------------------------------------------------------------
// Auth routes: structurally malformed bodies for sign up / sign in / refresh.

const formFieldsBroken = fc.oneof(
  fc.constant(undefined),
  wrongValue,
  fc.array(wrongValue, { maxLength: 3 }),
  fc.constant([{ id: 5, value: "x" }]),
  fc.constant([{ id: "email" }]),
  fc.constant([{ value: "x" }]),
  fc.constant("email=a&password=b"),
);

export const malformedAuthSpec: fc.Arbitrary<{ label: string; spec: RequestSpec }> = fc
  .tuple(
    fc.constantFrom(
      "/auth/signup",
      "/auth/signin",
      "/auth/session/refresh",
      "/auth/signup/email/exists",
      "/auth/nope",
    ),
    fc.constantFrom("POST", "GET", "PUT", "DELETE", "PATCH"),
    fc.oneof(
      formFieldsBroken.map((formFields) => JSON.stringify({ formFields })),
      badBody.map((body) => body ?? ""),
    ),
    fc.constantFrom("cookie", "header", "", "bogus", undefined),
    fc.option(cookieLine, { nil: undefined }),
    fc.option(bogusToken, { nil: undefined }),
  )
  .filter(([path, method]) => !(path === "/auth/signup/email/exists" && method === "GET"))
  .map(([path, method, body, mode, cookie, refresh]) => ({
    label: `${method} ${path} mode=${mode} body=${body.slice(0, 60)}`,
    spec: {
      method,
      path,
      body,
      headers: {
        "content-type": "application/json",
        rid: "emailpassword",
        ...(mode === undefined ? {} : { "st-auth-mode": mode }),
        ...(cookie === undefined ? {} : { cookie }),
        ...(refresh === undefined ? {} : { "st-refresh-token": refresh, authorization: `Bearer ${refresh}` }),
      },
    },
  }));

// ---------------------------------------------------------------------------------------------
// Raw HTTP to the local core.

export interface CoreRouteInfo {
  method: string;
  path: string;
}

/** Bodies no core route can accept: not JSON, not an object, or every usual field of the wrong type. */
export const malformedCoreBody: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("{", "[1,2", "not json", '{"userId":', "\u0000", "{}x"),
  fc.constantFrom("null", "[]", "42", '"str"', "true"),
  fc.string({ maxLength: 100 }).filter((text) => {
    try {
      const value: unknown = JSON.parse(text);
      return typeof value !== "object" || value === null || Array.isArray(value);
    } catch {
      return true;
    }
  }),
  fc
    .record({
      userId: wrongValue,
      role: wrongValue,
      accessToken: wrongValue,
      refreshToken: wrongValue,
      email: wrongValue,
      password: wrongValue,
      appId: wrongValue,
      tenantId: wrongValue,
      sessionHandle: wrongValue,
      sessionHandles: wrongValue,
      userDataInJWT: wrongValue,
      userDataInDatabase: wrongValue,
      metadataUpdate: wrongValue,
      payload: wrongValue,
      token: wrongValue,
      recipeUserId: wrongValue,
      doAntiCsrfCheck: wrongValue,
      enableAntiCsrf: wrongValue,
      permissions: wrongValue,
    })
    .filter((body) => Object.values(body).every((value) => typeof value !== "string" && value !== undefined))
    .map((body) => JSON.stringify(body)),
);

export const malformedCoreQuery: fc.Arbitrary<string> = fc.oneof(
  fc.constant(""),
  fc.constantFrom(
    "?userId",
    "?userId=&role=",
    "?sessionHandle=%zz",
    "?limit=-1",
    "?limit=abc&paginationToken=%%",
  ),
  fc.constantFrom(
    "?includeRecipeIds=%00",
    "?email=&phoneNumber=",
    "?userId[]=1&userId[]=2",
    "?timeJoinedOrder=sideways",
  ),
  fc
    .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })
    .map((query) => `?${new URLSearchParams(query)}`),
);

export const badCorePath: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "/nope",
    "/recipe",
    "/recipe/",
    "//",
    "/appid-/x",
    "/appid-nope/recipe/roles",
    "/UPPER/recipe/user/roles",
  ),
  fc.constantFrom("/%zz", "/recipe/%E0%A4%A", "/..%2f..", "/appid-a/appid-b/hello", `/${"x".repeat(4000)}`),
  fc.webPath().map((path) => (path.startsWith("/") ? path : `/${path}`)),
);
