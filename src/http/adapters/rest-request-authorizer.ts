import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from "aws-lambda";
import { headerPairs, isRecord, pathOf, queryFromMaps, request, toHeaders } from "../decode.ts";
import { type AuthorizerAdapter, policyAnswer, routeOfMethodArn } from "./authorizer.ts";

/** REST API `REQUEST` authorizer: the whole request's headers; answered with an IAM policy. */
export const restRequestAuthorizer: AuthorizerAdapter<
  APIGatewayRequestAuthorizerEvent,
  APIGatewayAuthorizerResult
> = {
  name: "rest-request-authorizer",
  detect: (event) =>
    isRecord(event) &&
    event.type === "REQUEST" &&
    event.version !== "2.0" &&
    typeof event.methodArn === "string" &&
    typeof event.httpMethod === "string",
  decode(event) {
    const raw = event as unknown as Record<string, unknown>;
    return request({
      method: raw.httpMethod,
      path: pathOf(raw.path),
      multiQuery: queryFromMaps(raw.queryStringParameters, raw.multiValueQueryStringParameters),
      headers: toHeaders(headerPairs(raw.headers, raw.multiValueHeaders)),
      body: "",
    });
  },
  route: (event) => ({
    method: event.httpMethod,
    // Not `path`: behind a custom domain it starts with the base path, which no route names.
    path: routeOfMethodArn(event.methodArn).path,
    declared: `${event.httpMethod.toUpperCase()} ${event.resource}`,
  }),
  encode: (decision, event) => policyAnswer(decision, event.methodArn),
};
