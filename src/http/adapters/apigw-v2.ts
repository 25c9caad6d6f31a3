import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { bodyText, headerPairs, isRecord, pathOf, queryFromString, request, toHeaders } from "../decode.ts";
import { type PlatformAdapter, plainHeaders, resultBase } from "./adapter.ts";

function withoutStage(path: string, stage: string | undefined): string {
  if (!stage || stage === "$default") return path;
  const prefix = `/${stage}`;
  if (path === prefix) return "/";
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** Payload 2.0 with a method and a path: what HTTP APIs and Function URLs both send. */
export function isPayloadV2(event: unknown): event is Record<string, unknown> {
  if (!isRecord(event) || event.version !== "2.0" || !isRecord(event.requestContext)) return false;
  const http = event.requestContext.http;
  return (
    isRecord(http) && typeof http.method === "string" && typeof (event.rawPath ?? http.path) === "string"
  );
}

/** API Gateway HTTP API (payload 2.0): cookies arrive in `cookies[]` and leave in `cookies[]`. */
export const apigwV2: PlatformAdapter<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
  name: "apigw-v2",
  detect: isPayloadV2,
  decode(event) {
    const raw = event as unknown as Record<string, unknown>;
    const context = raw.requestContext as Record<string, unknown>;
    const http = context.http as Record<string, unknown>;
    const stage = typeof context.stage === "string" ? context.stage : undefined;
    return request({
      method: http.method,
      path: withoutStage(pathOf(raw.rawPath ?? http.path), stage),
      stage,
      multiQuery: queryFromString(raw.rawQueryString),
      pathParameters: raw.pathParameters,
      headers: toHeaders(headerPairs(raw.headers, undefined)),
      cookies: raw.cookies,
      body: bodyText(raw.body, raw.isBase64Encoded),
    });
  },
  encode: (response) => ({
    ...resultBase(response),
    headers: plainHeaders(response.headers),
    cookies: response.cookies,
  }),
};
