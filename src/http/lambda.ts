import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import {
  bodyText,
  headerPairs,
  isRecord,
  pathOf,
  queryFromMaps,
  queryFromString,
  request,
  toHeaders,
} from "./decode.ts";
import type { HttpRequest, HttpResponse } from "./model.ts";

/** Every Lambda-style event we serve; Netlify Functions v1 events are API Gateway v1 shaped. */
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;
export type LambdaResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;

/** Which encoding the response must use; decided from the request's own shape. */
export type LambdaShape = "apigw-v1" | "apigw-v2" | "alb-single" | "alb-multi";

export function detectShape(event: unknown): LambdaShape | undefined {
  if (!isRecord(event)) return undefined;
  const context = isRecord(event.requestContext) ? event.requestContext : undefined;
  if (event.version === "2.0") {
    const http = isRecord(context?.http) ? context.http : undefined;
    const path = event.rawPath ?? http?.path;
    return typeof http?.method === "string" && typeof path === "string" ? "apigw-v2" : undefined;
  }
  // Every other shape names its method and path at the top level; without them it is none of ours.
  if (typeof event.httpMethod !== "string" || typeof event.path !== "string") return undefined;
  if (context && isRecord(context.elb)) return isRecord(event.multiValueHeaders) ? "alb-multi" : "alb-single";
  return "apigw-v1";
}

export function decodeLambdaEvent(shape: LambdaShape, event: Record<string, unknown>): HttpRequest {
  const headers = toHeaders(headerPairs(event.headers, event.multiValueHeaders));
  const body = bodyText(event.body, event.isBase64Encoded);
  switch (shape) {
    case "apigw-v2": {
      const context = event.requestContext as Record<string, unknown>;
      const http = context.http as Record<string, unknown>;
      const stage = typeof context.stage === "string" ? context.stage : undefined;
      return request({
        method: http.method,
        path: withoutStage(pathOf(event.rawPath ?? http.path), stage),
        stage,
        multiQuery: queryFromString(event.rawQueryString),
        headers,
        cookies: event.cookies,
        body,
      });
    }
    case "apigw-v1": {
      const context = isRecord(event.requestContext) ? event.requestContext : {};
      return request({
        method: event.httpMethod,
        path: pathOf(event.path),
        stage: typeof context.stage === "string" ? context.stage : undefined,
        multiQuery: queryFromMaps(event.queryStringParameters, event.multiValueQueryStringParameters),
        headers,
        body,
      });
    }
    default:
      // ALB passes query strings through undecoded.
      return request({
        method: event.httpMethod,
        path: pathOf(event.path),
        multiQuery: queryFromMaps(event.queryStringParameters, event.multiValueQueryStringParameters, true),
        headers,
        body,
      });
  }
}

function withoutStage(path: string, stage: string | undefined): string {
  if (!stage || stage === "$default") return path;
  const prefix = `/${stage}`;
  if (path === prefix) return "/";
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

function plainHeaders(headers: Headers): Record<string, string> {
  return Object.fromEntries(headers);
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * ALB in single-value mode keeps one value per header name, but header names are case-insensitive
 * for browsers and ALB passes each spelling through: `set-cookie`, `Set-cookie`, `sEt-cookie`, …
 * carry one whole cookie each, so no cookie is joined with another (their Expires dates have commas).
 */
export function setCookieSpellings(count: number): string[] {
  const base = "set-cookie";
  const letters = [...base]
    .map((char, index) => (/[a-z]/.test(char) ? index : -1))
    .filter((index) => index >= 0);
  if (count > 2 ** letters.length) throw new Error("too many cookies for single-value headers");
  return Array.from({ length: count }, (_, n) => {
    const chars = [...base];
    letters.forEach((position, bit) => {
      if (n & (1 << bit)) chars[position] = chars[position]!.toUpperCase();
    });
    return chars.join("");
  });
}

export function encodeLambdaResult(shape: LambdaShape, response: HttpResponse): LambdaResult {
  const headers = plainHeaders(response.headers);
  const base = {
    statusCode: response.status,
    body: response.body,
    isBase64Encoded: response.isBase64Encoded === true,
  };
  switch (shape) {
    case "apigw-v2":
      return { ...base, headers, cookies: response.cookies };
    case "apigw-v1":
      return { ...base, headers, multiValueHeaders: { "Set-Cookie": response.cookies } };
    case "alb-multi": {
      const multi: Record<string, string[]> = Object.fromEntries(
        Object.entries(headers).map(([name, value]) => [name, [value]]),
      );
      if (response.cookies.length > 0) multi["set-cookie"] = response.cookies;
      return { ...base, statusDescription: statusDescription(response.status), multiValueHeaders: multi };
    }
    case "alb-single": {
      const spellings = setCookieSpellings(response.cookies.length);
      response.cookies.forEach((cookie, index) => {
        headers[spellings[index]!] = cookie;
      });
      return { ...base, statusDescription: statusDescription(response.status), headers };
    }
  }
}

function statusDescription(status: number): string {
  return `${status} ${STATUS_TEXT[status] ?? ""}`.trim();
}

/** A Lambda result a handler returned, read back into the response model so cookies can be added. */
export function decodeLambdaResult(result: Record<string, unknown>): HttpResponse {
  const status = typeof result.statusCode === "number" ? result.statusCode : 200;
  const headers = new Headers();
  const cookies: string[] = [];
  const add = (name: string, value: unknown) => {
    if (value == null) return;
    if (name.toLowerCase() === "set-cookie") cookies.push(String(value));
    else headers.append(name, String(value));
  };
  if (isRecord(result.multiValueHeaders)) {
    for (const [name, values] of Object.entries(result.multiValueHeaders)) {
      for (const value of Array.isArray(values) ? values : [values]) add(name, value);
    }
  }
  if (isRecord(result.headers)) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (!(isRecord(result.multiValueHeaders) && name in result.multiValueHeaders)) add(name, value);
    }
  }
  if (Array.isArray(result.cookies)) cookies.push(...result.cookies.map(String));
  const body = typeof result.body === "string" ? result.body : "";
  return { status, headers, cookies, body, isBase64Encoded: result.isBase64Encoded === true };
}

export function isLambdaResult(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof value.statusCode === "number";
}
