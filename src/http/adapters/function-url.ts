import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { isRecord } from "../decode.ts";
import type { PlatformAdapter } from "./adapter.ts";
import { apigwV2, isPayloadV2 } from "./apigw-v2.ts";

/** Lambda Function URL: payload 2.0 from a `*.lambda-url.*` host, read and answered as HTTP API. */
export const functionUrl: PlatformAdapter<LambdaFunctionURLEvent, LambdaFunctionURLResult> = {
  name: "function-url",
  detect: (event) =>
    isPayloadV2(event) &&
    isRecord(event.requestContext) &&
    typeof event.requestContext.domainName === "string" &&
    event.requestContext.domainName.includes(".lambda-url."),
  decode: (event) => apigwV2.decode(event),
  encode: (response) => apigwV2.encode(response),
};
