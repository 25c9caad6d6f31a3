import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from "aws-lambda";
import { headerPairs, isRecord, pathOf, queryFromString, request, toHeaders } from "../decode.ts";
import { type AuthorizerAdapter, routeOfMethodArn } from "./authorizer.ts";

/** HTTP API Lambda authorizer, payload 2.0 with simple responses: `{ isAuthorized, context }`. */
export const httpApiAuthorizer: AuthorizerAdapter<
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult<Record<string, string>>
> = {
  name: "http-api-authorizer",
  detect: (event) =>
    isRecord(event) &&
    event.version === "2.0" &&
    event.type === "REQUEST" &&
    typeof event.routeArn === "string" &&
    isRecord(event.requestContext) &&
    isRecord(event.requestContext.http),
  decode(event) {
    const raw = event as unknown as Record<string, unknown>;
    const http = (raw.requestContext as Record<string, unknown>).http as Record<string, unknown>;
    return request({
      method: http.method,
      path: pathOf(raw.rawPath ?? http.path),
      multiQuery: queryFromString(raw.rawQueryString),
      headers: toHeaders(headerPairs(raw.headers, undefined)),
      cookies: raw.cookies,
      body: "",
    });
  },
  route: (event) => ({
    method: event.requestContext.http.method,
    // Not rawPath: on a named stage it starts with the stage, which no route names.
    path: routeOfMethodArn(event.routeArn).path,
    // `$default` names no route: the path alone decides.
    declared: event.routeKey === "$default" ? undefined : event.routeKey,
  }),
  encode: (decision) =>
    decision.allow ? { isAuthorized: true, context: decision.context } : { isAuthorized: false, context: {} },
};
