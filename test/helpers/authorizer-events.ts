// API Gateway authorizer events as API Gateway sends them, for the authorizer tests.

/**
 * An HTTP API (payload 2.0) REQUEST authorizer event for `routeKey` ("GET /reports/{id}") carrying the
 * request's `headers` and `cookies` as API Gateway passes them; `path` is the path as requested.
 */
export function httpApiAuthorizerRequest(
  routeKey: string,
  headers: Record<string, string>,
  { cookies, path = routeKey.slice(routeKey.indexOf(" ") + 1) }: { cookies?: string[]; path?: string } = {},
) {
  const method = routeKey.slice(0, routeKey.indexOf(" "));
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:api/$default/${method}${path}`,
    identitySource: headers.authorization ? [headers.authorization] : [],
    routeKey,
    rawPath: path,
    rawQueryString: "",
    ...(cookies ? { cookies } : {}),
    headers,
    requestContext: {
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
      stage: "$default",
    },
  };
}

/** The same with `token` as a Bearer token (header mode). */
export function httpApiAuthorizerEvent(token: string, routeKey = "GET /reports", path?: string) {
  return httpApiAuthorizerRequest(routeKey, { authorization: `Bearer ${token}` }, { path });
}

/** What an HTTP API authorizer with simple responses answers. */
export interface SimpleAuthorizerAnswer {
  isAuthorized: boolean;
  context?: Record<string, string>;
}

const ARN = "arn:aws:execute-api:eu-west-1:123456789012:api123/dev";

/** The method ARN API Gateway gives a REST authorizer for `method` and the path as requested. */
export const methodArn = (method: string, path: string) => `${ARN}/${method}${path}`;

/** A REST API REQUEST authorizer event: `resource` as declared, `path` as requested, with `headers`. */
export function restAuthorizerRequest(
  method: string,
  resource: string,
  path: string,
  headers: Record<string, string>,
) {
  return {
    type: "REQUEST",
    methodArn: methodArn(method, path),
    resource,
    path,
    httpMethod: method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { httpMethod: method, path: `/dev${path}`, stage: "dev", resourcePath: resource },
  };
}

/** The same with `token` as a Bearer token (header mode). */
export function restRequestAuthorizerEvent(token: string, method: string, resource: string, path: string) {
  return restAuthorizerRequest(method, resource, path, { Authorization: `Bearer ${token}` });
}

/**
 * A REST API TOKEN authorizer event: only the Authorization header's value (`authorization`, as sent)
 * and the method ARN (which carries the path as requested).
 */
export function restTokenAuthorizerRequest(authorization: string, method: string, path: string) {
  return { type: "TOKEN", authorizationToken: authorization, methodArn: methodArn(method, path) };
}

/** The same with `token` as a Bearer token. */
export function restTokenAuthorizerEvent(token: string, method: string, path: string) {
  return restTokenAuthorizerRequest(`Bearer ${token}`, method, path);
}

/** Whether an authorizer's answer lets the request through: `isAuthorized`, or an Allow policy. */
export function allowed(answer: unknown): boolean {
  const value = answer as SimpleAuthorizerAnswer & {
    policyDocument?: { Statement: Array<{ Effect: string }> };
  };
  if (typeof value.isAuthorized === "boolean") return value.isAuthorized;
  return value.policyDocument?.Statement.every((statement) => statement.Effect === "Allow") ?? false;
}
