import type { APIGatewayAuthorizerResult } from "aws-lambda";
import type { HttpRequest } from "../model.ts";

/** The route of an authorizer event: method and path, and the route as the API declares it when told. */
export interface AuthorizerRoute {
  method: string;
  path: string;
  /** `METHOD /template` as declared (`GET /items/{id}`); undefined when the event does not say. */
  declared?: string;
}

/** What an authorizer decided about one request. */
export type AuthorizerDecision =
  | { allow: true; principalId: string; context: Record<string, string> }
  | { allow: false; principalId?: string };

/**
 * One API Gateway authorizer event shape: how to recognise it, read it into the request model (what
 * the session needs: method, path, headers, cookies), name the route it guards, and answer a decision.
 * "No session" is not an answer: entry points throw `Unauthorized`, which API Gateway turns into 401.
 */
export interface AuthorizerAdapter<Event = unknown, Result = unknown> {
  readonly name: string;
  detect(event: unknown): boolean;
  decode(event: Event): HttpRequest;
  /** The route this request is for, as the event tells it, for per-route requirements. */
  route(event: Event): AuthorizerRoute;
  encode(decision: AuthorizerDecision, event: Event): Result;
}

/** The IAM policy answer of REST API authorizers: Allow or Deny on the method ARN. */
export function policyAnswer(decision: AuthorizerDecision, methodArn: string): APIGatewayAuthorizerResult {
  return {
    principalId: decision.principalId ?? "anonymous",
    policyDocument: {
      Version: "2012-10-17",
      Statement: [
        {
          Action: "execute-api:Invoke",
          Effect: decision.allow ? "Allow" : "Deny",
          Resource: methodArn,
        },
      ],
    },
    ...(decision.allow ? { context: decision.context } : {}),
  };
}

/**
 * `arn:aws:execute-api:region:account:api/stage/METHOD/path…` → `METHOD /path…`: the path as the API's
 * routes see it, without the stage or a custom domain's base path (a `:` in the path stays in it).
 */
export function routeOfMethodArn(methodArn: string): { method: string; path: string } {
  const [, , method = "", ...path] = methodArn.split(":").slice(5).join(":").split("/");
  return { method: method.toUpperCase(), path: `/${path.join("/")}` };
}
