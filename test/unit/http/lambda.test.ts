// The Lambda codecs without a core: which shape an event is, what it decodes to, how answers are encoded.
import { describe, expect, it } from "vitest";
import { setCookieSpellings } from "../../../src/http/adapters/alb-single.ts";
import { adapterFor, LAMBDA_ADAPTERS } from "../../../src/http/adapters/lambda.ts";
import { BadRequestError, type HttpRequest, type HttpResponse } from "../../../src/http/model.ts";
import { decodeLambdaResult } from "../../../src/http/results.ts";
import {
  albEvent,
  functionUrlEvent,
  httpApiEvent,
  LAMBDA_PLATFORMS,
  type LambdaShapeName,
  type RequestSpec,
  readLambdaResult,
  restApiEvent,
} from "../../helpers/events.ts";

/** The name of the adapter that reads `event`, as every entry point picks it. */
const detectShape = (event: unknown) => adapterFor(event)?.name;

const decode = (event: unknown) => {
  const adapter = adapterFor(event);
  if (!adapter) throw new Error("no shape");
  return adapter.decode(event) as HttpRequest;
};

type LambdaShape = LambdaShapeName;

function encodeLambdaResult(shape: LambdaShape, response: HttpResponse): unknown {
  const adapter = LAMBDA_ADAPTERS.find((candidate) => candidate.name === shape);
  if (!adapter) throw new Error(`no adapter ${shape}`);
  return adapter.encode(response);
}

/** The status a decode refuses with, or undefined when it succeeds. */
function refusal(event: unknown): number | undefined {
  try {
    decode(event);
    return undefined;
  } catch (error) {
    if (error instanceof BadRequestError) return error.status;
    throw error;
  }
}

const full: RequestSpec = {
  method: "post",
  path: "/items/42",
  query: { tag: ["a", "b c"], q: "x&y" },
  headers: { "X-Multi": ["one", "two"], "Content-Type": "application/json" },
  cookies: { theme: "dark", lang: "en" },
  body: '{"name":"Zoë"}',
  base64: true,
};

describe("adapterFor", () => {
  it.each(LAMBDA_PLATFORMS)("recognises a $name event as $shape", (platform) => {
    expect(detectShape(platform.event({}))).toBe(platform.shape);
    expect(detectShape(platform.event(full))).toBe(platform.shape);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["undefined", undefined],
    ["an array", []],
    ["a string", "GET /"],
    ["a number", 42],
    ["an empty object", {}],
    ["a method without a path", { httpMethod: "GET" }],
    ["a path without a method", { path: "/" }],
    ["a non-string method", { httpMethod: 1, path: "/" }],
    ["2.0 without requestContext", { version: "2.0", rawPath: "/" }],
    ["2.0 with requestContext.http null", { version: "2.0", rawPath: "/", requestContext: { http: null } }],
    ["an ALB context without method", { requestContext: { elb: { targetGroupArn: "arn" } }, path: "/" }],
    ["an ALB context without path", { requestContext: { elb: {} }, httpMethod: "GET" }],
    ["2.0 without a method", { version: "2.0", rawPath: "/", requestContext: { http: { path: "/" } } }],
    ["2.0 without a path", { version: "2.0", requestContext: { http: { method: "GET" } } }],
    ["an SQS batch", { Records: [{ eventSource: "aws:sqs", body: "{}" }] }],
  ])("answers undefined for %s", (_, event) => {
    expect(detectShape(event)).toBeUndefined();
  });

  it("tells ALB single-value from multi-value mode by multiValueHeaders", () => {
    expect(detectShape(albEvent({}, false))).toBe("alb-single");
    expect(detectShape(albEvent({}, true))).toBe("alb-multi");
  });
});

describe("adapter.decode", () => {
  /** Per platform: the stage it reports and whether repeated values survive. */
  const EXPECTED: Record<string, { stage: string | undefined; repeats: boolean }> = {
    "API Gateway REST (1.0)": { stage: "dev", repeats: true },
    "API Gateway HTTP API (2.0)": { stage: "dev", repeats: true },
    "Lambda Function URL": { stage: undefined, repeats: true },
    "ALB single-value headers": { stage: undefined, repeats: false },
    "ALB multi-value headers": { stage: undefined, repeats: true },
    "Netlify Functions v1": { stage: undefined, repeats: true },
  };

  it.each(LAMBDA_PLATFORMS)("decodes a $name event into the request model", (platform) => {
    const { stage, repeats } = EXPECTED[platform.name]!;
    const request = decode(platform.event(full));
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/items/42");
    expect(request.stage).toBe(stage);
    expect(request.body).toBe('{"name":"Zoë"}');
    expect(request.cookies).toEqual({ theme: "dark", lang: "en" });
    expect(request.headers.get("content-type")).toBe("application/json");
    expect(request.query).toEqual({ tag: "b c", q: "x&y" });
    if (repeats) {
      expect(request.multiQuery).toEqual({ tag: ["a", "b c"], q: ["x&y"] });
      expect(request.headers.get("x-multi")?.split(/,\s*/)).toEqual(["one", "two"]);
    } else {
      expect(request.multiQuery).toEqual({ tag: ["b c"], q: ["x&y"] });
      expect(request.headers.get("x-multi")).toBe("two");
    }
  });

  it.each([
    ["/dev/items", "dev", "/items"],
    ["/dev", "dev", "/"],
    ["/devices/1", "dev", "/devices/1"],
    ["/prod/dev/x", "dev", "/prod/dev/x"],
    ["/items", "$default", "/items"],
  ])("strips the stage from a 2.0 rawPath: %s on stage %s is %s", (rawPath, stage, path) => {
    const event = httpApiEvent({}, stage);
    event.rawPath = rawPath;
    expect(decode(event)).toMatchObject({ path, stage: stage === "$default" ? undefined : stage });
  });

  it("keeps a Function URL's path whole and reports no stage", () => {
    expect(decode(functionUrlEvent({ path: "/dev/items" }))).toMatchObject({
      path: "/dev/items",
      stage: undefined,
    });
  });

  it("reads cookies from a Cookie header and from every cookies[] entry; the first of a name wins", () => {
    const event = httpApiEvent({ headers: { cookie: "a=header; b=2" } });
    event.cookies = ["a=list", "c=3; d=4"];
    expect(decode(event).cookies).toEqual({ a: "header", b: "2", c: "3", d: "4" });
    const rest = restApiEvent({ headers: { Cookie: ["a=1; b=2", "c=3"] } });
    expect(decode(rest).cookies).toEqual({ a: "1", b: "2", c: "3" });
  });

  it("reads header names in any case, multi-value ones ahead of single-value duplicates", () => {
    const event = restApiEvent({ headers: { "X-Token": "abc", AUTHORIZATION: "Bearer t" } });
    event.headers = { "x-token": "stale", ...event.headers };
    const request = decode(event);
    expect(request.headers.get("x-token")).toBe("abc");
    expect(request.headers.get("authorization")).toBe("Bearer t");
  });

  it("decodes ALB's URL-encoded query values, + as space", () => {
    const event = albEvent({}, false);
    event.queryStringParameters = { "na%20me": "a+b%26c" };
    expect(decode(event).query).toEqual({ "na me": "a b&c" });
  });

  it("decodes a 2.0 rawQueryString with repeated keys", () => {
    const event = httpApiEvent({});
    event.rawQueryString = "a=1&a=2&b=%E2%9C%93";
    expect(decode(event).multiQuery).toEqual({ a: ["1", "2"], b: ["✓"] });
  });

  const big = "x".repeat(1024 * 1024 + 1);
  const withBody = (body: string, isBase64Encoded: boolean) => ({
    ...restApiEvent({ method: "POST" }),
    body,
    isBase64Encoded,
  });

  it.each<[string, unknown, number]>([
    ["invalid base64", withBody("@@@=", true), 400],
    ["base64 with a stray tail", withBody("QUJD" + "Q", true), 400],
    ["base64url instead of base64", withBody("-_-_", true), 400],
    ["a body that is not a string", { ...restApiEvent({ method: "POST" }), body: { a: 1 } }, 400],
    ["a body over 1 MiB", withBody(big, false), 413],
    ["a base64 body over 1 MiB", withBody(Buffer.from(big).toString("base64"), true), 413],
    ["a header value with a newline", restApiEvent({ headers: { "X-Bad": "a\nb" } }), 400],
    ["a header name with a space", restApiEvent({ headers: { "X Bad": "a" } }), 400],
    ["a header value that is not a string", { ...albEvent({}, false), headers: { "x-n": 5 } }, 400],
    ["multi-value headers that are not lists", { ...albEvent({}, true), multiValueHeaders: { a: "b" } }, 400],
    ["headers over 32 KiB", restApiEvent({ headers: { "X-Big": "y".repeat(33 * 1024) } }), 431],
    [
      "many headers over 32 KiB together",
      restApiEvent({ headers: { "X-Many": Array(400).fill("z".repeat(100)) } }),
      431,
    ],
    ["an unknown method", restApiEvent({ method: "BREW" }), 405],
    ["a TRACE request", restApiEvent({ method: "TRACE" }), 405],
    ["a path that is not absolute", { ...restApiEvent({}), path: "items" }, 400],
    ["a bad ALB percent-encoding", { ...albEvent({}, false), queryStringParameters: { q: "%E0%A4%A" } }, 400],
    [
      "multi-value query values that are not lists",
      { ...restApiEvent({}), multiValueQueryStringParameters: { a: "1" } },
      400,
    ],
    ["cookies[] that is not a list", { ...httpApiEvent({}), cookies: "a=1" }, 400],
    ["a raw query that is not a string", { ...httpApiEvent({}), rawQueryString: 7 }, 400],
  ])("refuses %s with %i", (_, event, status) => {
    expect(refusal(event)).toBe(status);
  });

  it("accepts base64 with line breaks and padding", () => {
    const event = withBody("eyJh\nIjox\nfQ==", true);
    expect(decode(event).body).toBe('{"a":1}');
  });

  it("accepts the events API Gateway sends with null headers, query and body", () => {
    const event = { ...restApiEvent({}), headers: null, multiValueHeaders: null, body: null };
    expect(decode(event)).toMatchObject({ method: "GET", body: "", query: {}, cookies: {} });
  });
});

const expires = "Wed, 21 Oct 2037 07:28:00 GMT";
const cookies = [
  `sAccessToken=eyJ.a.b; Path=/; Expires=${expires}; HttpOnly; SameSite=Lax`,
  `sRefreshToken=r; Path=/auth/session/refresh; Expires=${expires}; HttpOnly; SameSite=Lax`,
  `theme=dark; Path=/; Expires=${expires}; HttpOnly; SameSite=Strict`,
];
const answer = (): HttpResponse => ({
  status: 201,
  headers: new Headers({ "content-type": "application/json", "front-token": "ft" }),
  cookies,
  body: '{"ok":true}',
});

describe("adapter.encode", () => {
  it.each<[LambdaShape, string]>([
    ["apigw-v1", "multiValueHeaders"],
    ["apigw-v2", "cookies[]"],
    ["function-url", "cookies[]"],
    ["netlify-v1", "multiValueHeaders"],
    ["alb-multi", "multiValueHeaders"],
    ["alb-single", "header spellings"],
  ])("%s answers every cookie whole, in %s", (shape, carrier) => {
    const encoded = encodeLambdaResult(shape, answer());
    const reply = readLambdaResult(encoded);
    expect(reply).toMatchObject({ status: 201, body: '{"ok":true}', carrier });
    expect(reply.cookies.sort()).toEqual([...cookies].sort());
    expect(reply.headers.get("front-token")).toBe("ft");
    expect(reply.headers.get("content-type")).toBe("application/json");
    expect(JSON.stringify(encoded)).not.toMatch(/GMT, [a-zA-Z]+=/);
  });

  it("gives ALB answers a status description and API Gateway answers none", () => {
    expect(encodeLambdaResult("alb-single", answer())).toMatchObject({ statusDescription: "201 Created" });
    expect(encodeLambdaResult("alb-multi", answer())).toMatchObject({ statusDescription: "201 Created" });
    expect(encodeLambdaResult("apigw-v1", answer())).not.toHaveProperty("statusDescription");
  });

  it("puts ALB multi-value headers all in multiValueHeaders, and no cookie field without cookies", () => {
    const encoded = encodeLambdaResult("alb-multi", { ...answer(), cookies: [] }) as Record<string, unknown>;
    expect(encoded.headers).toBeUndefined();
    expect(encoded.multiValueHeaders).toEqual({
      "content-type": ["application/json"],
      "front-token": ["ft"],
    });
  });

  it("passes a base64 body through as base64", () => {
    const encoded = encodeLambdaResult("apigw-v2", { ...answer(), body: "AAEC", isBase64Encoded: true });
    expect(encoded).toMatchObject({ body: "AAEC", isBase64Encoded: true });
  });
});

describe("setCookieSpellings", () => {
  it.each([0, 1, 2, 3, 17, 512])("gives %i distinct spellings, each set-cookie in any case", (count) => {
    const spellings = setCookieSpellings(count);
    expect(spellings).toHaveLength(count);
    expect(new Set(spellings).size).toBe(count);
    for (const name of spellings) expect(name.toLowerCase()).toBe("set-cookie");
    if (count > 0) expect(spellings[0]).toBe("set-cookie");
  });

  it("refuses more cookies than there are spellings", () => {
    expect(() => setCookieSpellings(513)).toThrow();
  });
});

describe("decodeLambdaResult", () => {
  it("reads cookies from multiValueHeaders, headers in any case and cookies[]", () => {
    const result = decodeLambdaResult({
      statusCode: 302,
      headers: { Location: "/next", "Set-Cookie": cookies[0] },
      multiValueHeaders: { "x-list": ["a", "b"] },
      cookies: [cookies[1]],
      body: "",
    });
    expect(result.status).toBe(302);
    expect(result.headers.get("location")).toBe("/next");
    expect(result.headers.get("x-list")).toBe("a, b");
    expect(result.cookies).toEqual([cookies[0], cookies[1]]);
  });

  it("takes a header from multiValueHeaders only once when both maps name it", () => {
    const result = decodeLambdaResult({
      statusCode: 200,
      headers: { "Set-Cookie": cookies[0], "x-one": "single" },
      multiValueHeaders: { "Set-Cookie": [cookies[0]], "x-one": ["multi"] },
      body: "",
    });
    expect(result.cookies).toEqual([cookies[0]]);
    expect(result.headers.get("x-one")).toBe("multi");
  });
});
