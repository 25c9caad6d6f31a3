import type {
  ALBEvent,
  ALBResult,
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import type { PlatformAdapter } from "./adapter.ts";
import { albMulti } from "./alb-multi.ts";
import { albSingle } from "./alb-single.ts";
import { apigwV1 } from "./apigw-v1.ts";
import { apigwV2 } from "./apigw-v2.ts";
import { functionUrl } from "./function-url.ts";
import { netlifyV1 } from "./netlify-v1.ts";

/** Every Lambda-style shape, narrowest first: the first whose `detect` accepts an event reads it. */
export const LAMBDA_ADAPTERS: readonly PlatformAdapter[] = [
  functionUrl,
  apigwV2,
  albMulti,
  albSingle,
  netlifyV1,
  apigwV1,
] as PlatformAdapter[];

export function adapterFor(event: unknown): PlatformAdapter | undefined {
  return LAMBDA_ADAPTERS.find((adapter) => adapter.detect(event));
}

/** Every Lambda-style event we serve; Netlify Functions v1 events are API Gateway v1 shaped. */
export type LambdaEvent = APIGatewayProxyEvent | APIGatewayProxyEventV2 | ALBEvent;
export type LambdaResult = APIGatewayProxyResult | APIGatewayProxyStructuredResultV2 | ALBResult;
