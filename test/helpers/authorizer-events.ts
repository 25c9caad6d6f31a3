// API Gateway authorizer events as API Gateway sends them, for the authorizer tests.

/** An HTTP API (payload 2.0) REQUEST authorizer event for `routeKey` ("GET /reports/{id}") and a path. */
export function httpApiAuthorizerEvent(
  token: string,
  routeKey = "GET /reports",
  path = routeKey.slice(routeKey.indexOf(" ") + 1),
) {
  const method = routeKey.slice(0, routeKey.indexOf(" "));
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: `arn:aws:execute-api:eu-west-1:123456789012:api/$default/${method}${path}`,
    identitySource: [`Bearer ${token}`],
    routeKey,
    rawPath: path,
    rawQueryString: "",
    headers: { authorization: `Bearer ${token}` },
    requestContext: {
      http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
      stage: "$default",
    },
  };
}

/** What an HTTP API authorizer with simple responses answers. */
export interface SimpleAuthorizerAnswer {
  isAuthorized: boolean;
  context?: Record<string, string>;
}

const ARN = "arn:aws:execute-api:eu-west-1:123456789012:api123/dev";

/** A REST API REQUEST authorizer event: `resource` as declared, `path` as requested, header mode. */
export function restRequestAuthorizerEvent(token: string, method: string, resource: string, path: string) {
  return {
    type: "REQUEST",
    methodArn: `${ARN}/${method}${path}`,
    resource,
    path,
    httpMethod: method,
    headers: { Authorization: `Bearer ${token}` },
    multiValueHeaders: { Authorization: [`Bearer ${token}`] },
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: { httpMethod: method, path: `/dev${path}`, stage: "dev", resourcePath: resource },
  };
}

/** A REST API TOKEN authorizer event: only the token and the method ARN (which carries the path as requested). */
export function restTokenAuthorizerEvent(token: string, method: string, path: string) {
  return { type: "TOKEN", authorizationToken: `Bearer ${token}`, methodArn: `${ARN}/${method}${path}` };
}

/** Whether an authorizer's answer lets the request through: `isAuthorized`, or an Allow policy. */
export function allowed(answer: unknown): boolean {
  const value = answer as SimpleAuthorizerAnswer & {
    policyDocument?: { Statement: Array<{ Effect: string }> };
  };
  if (typeof value.isAuthorized === "boolean") return value.isAuthorized;
  return value.policyDocument?.Statement.every((statement) => statement.Effect === "Allow") ?? false;
}
