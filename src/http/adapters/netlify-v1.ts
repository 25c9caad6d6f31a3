import type { APIGatewayProxyEvent, APIGatewayProxyResult } from "aws-lambda";
import { isRecord } from "../decode.ts";
import type { PlatformAdapter } from "./adapter.ts";
import { apigwV1 } from "./apigw-v1.ts";

/**
 * Netlify Functions v1 (`exports.handler`): API Gateway 1.0 shaped, with `rawUrl` and without a
 * `requestContext`; answered like API Gateway 1.0 (multiValueHeaders carries each Set-Cookie).
 */
export const netlifyV1: PlatformAdapter<APIGatewayProxyEvent, APIGatewayProxyResult> = {
  name: "netlify-v1",
  detect: (event) =>
    isRecord(event) &&
    typeof event.rawUrl === "string" &&
    event.requestContext === undefined &&
    apigwV1.detect(event),
  decode: (event) => apigwV1.decode(event),
  encode: (response) => apigwV1.encode(response),
};
