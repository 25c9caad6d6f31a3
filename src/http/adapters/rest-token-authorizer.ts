import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from "aws-lambda";
import { isRecord, request, toHeaders } from "../decode.ts";
import { type AuthorizerAdapter, policyAnswer, routeOfMethodArn } from "./authorizer.ts";

/**
 * REST API `TOKEN` authorizer: API Gateway passes only the Authorization header, so this is header
 * mode only, and the method and path come from the method ARN. Answered with an IAM policy.
 */
export const restTokenAuthorizer: AuthorizerAdapter<
  APIGatewayTokenAuthorizerEvent,
  APIGatewayAuthorizerResult
> = {
  name: "rest-token-authorizer",
  detect: (event) =>
    isRecord(event) &&
    event.type === "TOKEN" &&
    typeof event.methodArn === "string" &&
    typeof event.authorizationToken === "string",
  decode(event) {
    const { method, path } = routeOfMethodArn(event.methodArn);
    return request({
      method,
      path,
      multiQuery: {},
      headers: toHeaders([["authorization", event.authorizationToken]]),
      body: "",
    });
  },
  // Only the method ARN: the request's path, never the route as declared.
  route: (event) => routeOfMethodArn(event.methodArn),
  encode: (decision, event) => policyAnswer(decision, event.methodArn),
};
