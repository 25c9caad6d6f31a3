"""A backend with no SuperTokens SDK: API Gateway's authorizer verified the session before this runs.

Behind the Lambda authorizer (functions/authorizer.ts) the user is in requestContext.authorizer.lambda,
with roles and permissions as comma-joined strings; behind the JWT authorizer, the verified token's
claims are in requestContext.authorizer.jwt.claims.
"""
import json


def handler(event, context):
    authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
    session = authorizer.get("lambda")
    if session:
        answer = {
            "via": "lambda authorizer",
            "userId": session.get("userId"),
            "role": session.get("role") or None,
            "roles": [r for r in (session.get("roles") or "").split(",") if r],
            "permissions": [p for p in (session.get("permissions") or "").split(",") if p],
        }
    else:
        claims = (authorizer.get("jwt") or {}).get("claims") or {}
        answer = {"via": "jwt authorizer", "userId": claims.get("sub"), "role": claims.get("role")}
    return {
        "statusCode": 200,
        "headers": {"content-type": "application/json"},
        "body": json.dumps(answer),
    }
