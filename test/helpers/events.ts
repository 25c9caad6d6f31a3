// Realistic event factories for every platform shape verifySession serves, and readers that turn
// each platform's answer back into one comparable reply (status, headers, cookies, body).
import type {
  ALBEvent,
  APIGatewayEventIdentity,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  LambdaFunctionURLEvent,
} from "aws-lambda";
import { apiGatewayPath } from "../../scripts/bundler/routes.ts";
import { compileRoute } from "../../src/http/route-params.ts";

/** One HTTP request, independent of the platform; every factory renders it in its own shape. */
export interface RequestSpec {
  method?: string;
  /** Route path without any stage prefix; may carry no query string. */
  path?: string;
  /** Header names keep their case; an array is a header sent several times. */
  headers?: Record<string, string | string[]>;
  /** Sent the way the platform delivers cookies (one Cookie header, or `cookies[]` for 2.0 events). */
  cookies?: Record<string, string>;
  query?: Record<string, string | string[]>;
  body?: string;
  /** Deliver the body base64-encoded (`isBase64Encoded: true`), as platforms do for binary types. */
  base64?: boolean;
  /**
   * The function's route (`config.path` syntax: `/items/:id`, `/files/*`): API Gateway events then say
   * it matched that route (`resource` / `routeKey`) and carry its `pathParameters`, percent-encoded as
   * API Gateway sends them. Other shapes carry no route.
   */
  route?: string;
}

/** API Gateway's route and raw `pathParameters` for `spec.route`, or its catch-all `/{proxy+}`. */
function apiGatewayRoute(spec: RequestSpec): { resource: string; pathParameters: Record<string, string> } {
  const path = spec.path ?? "/";
  if (!spec.route) return { resource: "/{proxy+}", pathParameters: { proxy: path.slice(1) } };
  const compiled = compileRoute(spec.route);
  const match = compiled?.pattern.exec(path);
  const resource = apiGatewayPath(spec.route);
  if (!compiled || !match || !resource) throw new Error(`${path} is not a path of the route ${spec.route}`);
  const pathParameters = Object.fromEntries(
    compiled.names.map((name, index) => [name === "*" ? "proxy" : name, match[index + 1] ?? ""]),
  );
  return { resource, pathParameters };
}

const ACCOUNT = "123456789012";
const TIME_EPOCH = 1_735_732_800_000;
const USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) session-roles-tests";
const SOURCE_IP = "203.0.113.7";

function entries<T>(record: Record<string, T | T[]> | undefined): Array<[string, T[]]> {
  return Object.entries(record ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]);
}

function lastOf(multi: Record<string, string[]>): Record<string, string> {
  return Object.fromEntries(Object.entries(multi).map(([name, values]) => [name, values.at(-1) ?? ""]));
}

function cookieLine(cookies: Record<string, string> | undefined): string | undefined {
  const pairs = Object.entries(cookies ?? {}).map(([name, value]) => `${name}=${value}`);
  return pairs.length > 0 ? pairs.join("; ") : undefined;
}

/** Headers as multi-value map; the Cookie header (if any cookies) is added under `cookieName`. */
function multiHeaders(spec: RequestSpec, lowerCase: boolean, withCookie: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, values] of entries(spec.headers)) {
    const key = lowerCase ? name.toLowerCase() : name;
    out[key] = [...(out[key] ?? []), ...values];
  }
  const cookie = cookieLine(spec.cookies);
  if (withCookie && cookie) out[lowerCase ? "cookie" : "Cookie"] = [cookie];
  return out;
}

function body(spec: RequestSpec): { body: string | null; isBase64Encoded: boolean } {
  if (spec.body === undefined) return { body: null, isBase64Encoded: false };
  if (spec.base64) return { body: Buffer.from(spec.body, "utf8").toString("base64"), isBase64Encoded: true };
  return { body: spec.body, isBase64Encoded: false };
}

function rawQuery(spec: RequestSpec): string {
  const search = new URLSearchParams();
  for (const [name, values] of entries(spec.query)) for (const value of values) search.append(name, value);
  return search.toString();
}

const identity: APIGatewayEventIdentity = {
  accessKey: null,
  accountId: null,
  apiKey: null,
  apiKeyId: null,
  caller: null,
  clientCert: null,
  cognitoAuthenticationProvider: null,
  cognitoAuthenticationType: null,
  cognitoIdentityId: null,
  cognitoIdentityPoolId: null,
  principalOrgId: null,
  sourceIp: SOURCE_IP,
  user: null,
  userAgent: USER_AGENT,
  userArn: null,
};

/** API Gateway REST API (payload 1.0): `path` has no stage, `requestContext.path` has it. */
export function restApiEvent(spec: RequestSpec, stage = "dev"): APIGatewayProxyEvent {
  const method = spec.method ?? "GET";
  const path = spec.path ?? "/";
  const multiValueHeaders = multiHeaders(spec, false, true);
  const query = Object.fromEntries(entries(spec.query));
  const hasQuery = Object.keys(query).length > 0;
  const { resource, pathParameters } = apiGatewayRoute(spec);
  return {
    resource,
    path,
    httpMethod: method,
    headers: lastOf(multiValueHeaders),
    multiValueHeaders,
    queryStringParameters: hasQuery ? lastOf(query) : null,
    multiValueQueryStringParameters: hasQuery ? query : null,
    pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: ACCOUNT,
      apiId: "a1b2c3d4e5",
      authorizer: undefined,
      domainName: "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com",
      domainPrefix: "a1b2c3d4e5",
      extendedRequestId: "Ab1CdE2fGhIjK=",
      httpMethod: method,
      identity,
      path: `/${stage}${path}`,
      protocol: "HTTP/1.1",
      requestId: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
      requestTime: "01/Jan/2025:12:00:00 +0000",
      requestTimeEpoch: TIME_EPOCH,
      resourceId: "r3s0urce",
      resourcePath: resource,
      stage,
    },
    ...body(spec),
  };
}

/** HTTP API / Function URL (payload 2.0): cookies in `cookies[]`, repeated headers joined with ",". */
function v2Event(spec: RequestSpec, stage: string, domainName: string): APIGatewayProxyEventV2 {
  const method = spec.method ?? "GET";
  const path = spec.path ?? "/";
  const rawPath = stage === "$default" ? path : `/${stage}${path}`;
  const headers = Object.fromEntries(
    Object.entries(multiHeaders(spec, true, false)).map(([name, values]) => [name, values.join(",")]),
  );
  const query = Object.fromEntries(entries(spec.query).map(([name, values]) => [name, values.join(",")]));
  const cookies = Object.entries(spec.cookies ?? {}).map(([name, value]) => `${name}=${value}`);
  const { body: text, isBase64Encoded } = body(spec);
  // A Function URL ($default) has no routes; an HTTP API names the route it matched.
  const route = stage === "$default" ? undefined : apiGatewayRoute(spec);
  const routeKey = route ? `${spec.route ? method : "ANY"} ${route.resource}` : "$default";
  return {
    version: "2.0",
    routeKey,
    rawPath,
    rawQueryString: rawQuery(spec),
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length > 0 ? { queryStringParameters: query } : {}),
    ...(route && spec.route ? { pathParameters: route.pathParameters } : {}),
    requestContext: {
      accountId: ACCOUNT,
      apiId: domainName.split(".")[0] ?? "api",
      domainName,
      domainPrefix: domainName.split(".")[0] ?? "api",
      http: { method, path: rawPath, protocol: "HTTP/1.1", sourceIp: SOURCE_IP, userAgent: USER_AGENT },
      requestId: "JKJaXmPLvHcESHA=",
      routeKey,
      stage,
      time: "01/Jan/2025:12:00:00 +0000",
      timeEpoch: TIME_EPOCH,
    },
    ...(text === null ? {} : { body: text }),
    isBase64Encoded,
  };
}

/** API Gateway HTTP API (payload 2.0) on a named stage: rawPath starts with `/<stage>`. */
export function httpApiEvent(spec: RequestSpec, stage = "dev"): APIGatewayProxyEventV2 {
  return v2Event(spec, stage, "r4nd0m1d.execute-api.eu-west-1.amazonaws.com");
}

/** Lambda Function URL: payload 2.0 with stage `$default` and no stage in the path. */
export function functionUrlEvent(spec: RequestSpec): LambdaFunctionURLEvent {
  return v2Event(spec, "$default", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.eu-west-1.on.aws");
}

/** ALB; single-value mode lower-cases names and keeps the last value; query values stay URL-encoded. */
export function albEvent(spec: RequestSpec, multiValue: boolean): ALBEvent {
  const headers = multiHeaders(spec, true, true);
  const query = Object.fromEntries(
    entries(spec.query).map(([name, values]) => [
      encodeURIComponent(name),
      values.map((value) => encodeURIComponent(value)),
    ]),
  );
  const base = {
    requestContext: {
      elb: {
        targetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNT}:targetgroup/session-roles/73e2d6bc24d8a067`,
      },
    },
    httpMethod: spec.method ?? "GET",
    path: spec.path ?? "/",
    ...body(spec),
  };
  return multiValue
    ? { ...base, multiValueHeaders: headers, multiValueQueryStringParameters: query }
    : { ...base, headers: lastOf(headers), queryStringParameters: lastOf(query) };
}

/** What Netlify Functions v1 hand a handler: API Gateway 1.0-like, without requestContext. */
export interface NetlifyV1Event {
  rawUrl: string;
  rawQuery: string;
  path: string;
  httpMethod: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string>;
  multiValueQueryStringParameters: Record<string, string[]>;
  body: string | null;
  isBase64Encoded: boolean;
}

export const NETLIFY_SITE = "https://session-roles.netlify.app";

export function netlifyV1Event(spec: RequestSpec): NetlifyV1Event {
  const path = spec.path ?? "/";
  const query = rawQuery(spec);
  const multiValueHeaders = multiHeaders(spec, true, true);
  const multiQuery = Object.fromEntries(entries(spec.query));
  return {
    rawUrl: `${NETLIFY_SITE}${path}${query ? `?${query}` : ""}`,
    rawQuery: query,
    path,
    httpMethod: spec.method ?? "GET",
    headers: Object.fromEntries(
      Object.entries(multiValueHeaders).map(([name, values]) => [name, values.join(", ")]),
    ),
    multiValueHeaders,
    queryStringParameters: Object.fromEntries(
      Object.entries(multiQuery).map(([name, values]) => [name, values.join(", ")]),
    ),
    multiValueQueryStringParameters: multiQuery,
    ...body(spec),
  };
}

/** Netlify Functions v2: a web Request. */
export function netlifyRequest(spec: RequestSpec): Request {
  const query = rawQuery(spec);
  const headers = new Headers();
  for (const [name, values] of Object.entries(multiHeaders(spec, false, true)))
    for (const value of values) headers.append(name, value);
  return new Request(`${NETLIFY_SITE}${spec.path ?? "/"}${query ? `?${query}` : ""}`, {
    method: spec.method ?? "GET",
    headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  });
}

// ---------------------------------------------------------------------------------------------
// Replies: every platform's answer read back into one form.

/** Where a platform puts Set-Cookie in its answer. */
export type CookieCarrier = "multiValueHeaders" | "cookies[]" | "header spellings" | "getSetCookie()";

export interface Reply {
  status: number;
  /** Every header except Set-Cookie, names lower-cased. */
  headers: Headers;
  /** Each Set-Cookie value, from wherever the platform carries it. */
  cookies: string[];
  /** Where the cookies were found (undefined when there were none). */
  carrier: CookieCarrier | undefined;
  body: string;
  json: unknown;
}

function parsed(body: string): unknown {
  try {
    return body === "" ? undefined : JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** Reads any Lambda result (API Gateway 1.0/2.0, ALB in either header mode). */
export function readLambdaResult(result: unknown): Reply {
  const value = result as {
    statusCode: number;
    headers?: Record<string, unknown>;
    multiValueHeaders?: Record<string, unknown[]>;
    cookies?: string[];
    body?: string;
  };
  if (typeof value?.statusCode !== "number")
    throw new Error(`not a Lambda result: ${JSON.stringify(result)}`);
  const headers = new Headers();
  const cookies: string[] = [];
  let carrier: CookieCarrier | undefined;
  for (const [name, values] of Object.entries(value.multiValueHeaders ?? {})) {
    if (name.toLowerCase() === "set-cookie") {
      cookies.push(...values.map(String));
      if (values.length > 0) carrier = "multiValueHeaders";
    } else for (const item of values) headers.append(name, String(item));
  }
  for (const [name, item] of Object.entries(value.headers ?? {})) {
    if (name.toLowerCase() === "set-cookie") {
      cookies.push(String(item));
      carrier = "header spellings";
    } else if (!headers.has(name)) headers.set(name, String(item));
  }
  if (value.cookies && value.cookies.length > 0) {
    cookies.push(...value.cookies);
    carrier = "cookies[]";
  }
  const text = value.body ?? "";
  return { status: value.statusCode, headers, cookies, carrier, body: text, json: parsed(text) };
}

/** Reads a Netlify v2 web Response; each Set-Cookie via getSetCookie(). */
export async function readWebResponse(response: Response): Promise<Reply> {
  const headers = new Headers();
  for (const [name, value] of response.headers) if (name !== "set-cookie") headers.append(name, value);
  const cookies = response.headers.getSetCookie();
  const text = await response.text();
  return {
    status: response.status,
    headers,
    cookies,
    carrier: cookies.length > 0 ? "getSetCookie()" : undefined,
    body: text,
    json: parsed(text),
  };
}

// ---------------------------------------------------------------------------------------------
// The table of shapes every behaviour is checked on.

export type LambdaShapeName =
  | "apigw-v1"
  | "apigw-v2"
  | "function-url"
  | "alb-single"
  | "alb-multi"
  | "netlify-v1";

export interface LambdaPlatform {
  name: string;
  /** The adapter that must read this platform's events. */
  shape: LambdaShapeName;
  carrier: CookieCarrier;
  event(spec: RequestSpec): unknown;
}

export const LAMBDA_PLATFORMS: LambdaPlatform[] = [
  { name: "API Gateway REST (1.0)", shape: "apigw-v1", carrier: "multiValueHeaders", event: restApiEvent },
  { name: "API Gateway HTTP API (2.0)", shape: "apigw-v2", carrier: "cookies[]", event: httpApiEvent },
  { name: "Lambda Function URL", shape: "function-url", carrier: "cookies[]", event: functionUrlEvent },
  {
    name: "ALB single-value headers",
    shape: "alb-single",
    carrier: "header spellings",
    event: (spec) => albEvent(spec, false),
  },
  {
    name: "ALB multi-value headers",
    shape: "alb-multi",
    carrier: "multiValueHeaders",
    event: (spec) => albEvent(spec, true),
  },
  { name: "Netlify Functions v1", shape: "netlify-v1", carrier: "multiValueHeaders", event: netlifyV1Event },
];

/** Something that answers a RequestSpec: one platform shape behind one wrapper. */
export interface Target {
  name: string;
  carrier: CookieCarrier;
  call(spec: RequestSpec): Promise<Reply>;
}

type AnyLambdaHandler = (event: never, context: never) => Promise<unknown>;

export function lambdaTarget(platform: LambdaPlatform, wrapper: string, handler: AnyLambdaHandler): Target {
  const invoke = handler as unknown as (event: unknown, context: unknown) => Promise<unknown>;
  return {
    name: `${platform.name} via ${wrapper}`,
    carrier: platform.carrier,
    call: async (spec) => readLambdaResult(await invoke(platform.event(spec), {})),
  };
}

export function netlifyTarget(handler: (request: Request, context?: unknown) => Promise<Response>): Target {
  return {
    name: "Netlify Functions v2 via verifySessionNetlify",
    carrier: "getSetCookie()",
    call: async (spec) => readWebResponse(await handler(netlifyRequest(spec))),
  };
}

/** A Lambda context whose invocation ends `ms` from now (its remaining time counts down). */
export function contextEnding(ms: number): { getRemainingTimeInMillis(): number } {
  const endsAt = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()) };
}
