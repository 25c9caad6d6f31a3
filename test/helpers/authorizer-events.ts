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
