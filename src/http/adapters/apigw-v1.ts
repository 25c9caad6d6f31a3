import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { bodyText, headerPairs, isRecord, pathOf, queryFromMaps, request, toHeaders } from "../decode.ts";
import { type PlatformAdapter, plainHeaders, resultBase } from "./adapter.ts";

/** API Gateway REST API (payload 1.0): Set-Cookie goes out in multiValueHeaders, one entry each. */
export const apigwV1: PlatformAdapter<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  name: "apigw-v1",
  // The shape every method-and-path event falls back to; the adapters listed before it are narrower.
  detect: (event) =>
    isRecord(event) && typeof event.httpMethod === "string" && typeof event.path === "string",
  decode(event) {
    const raw = event as unknown as Record<string, unknown>;
    const context = isRecord(raw.requestContext) ? raw.requestContext : {};
    return request({
      method: raw.httpMethod,
      path: pathOf(raw.path),
      stage: typeof context.stage === "string" ? context.stage : undefined,
      multiQuery: queryFromMaps(raw.queryStringParameters, raw.multiValueQueryStringParameters),
      pathParameters: raw.pathParameters,
      headers: toHeaders(headerPairs(raw.headers, raw.multiValueHeaders)),
      body: bodyText(raw.body, raw.isBase64Encoded),
    });
  },
  encode: (response) => ({
    ...resultBase(response),
    headers: plainHeaders(response.headers),
    multiValueHeaders: { "Set-Cookie": response.cookies },
  }),
};
