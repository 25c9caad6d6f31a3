/**
 * What every entry point does around a request: start the invocation (ids into the logs, the cold
 * start into the metrics), and at its end count the answer, write the debug line and flush the
 * metrics — once per invocation, whatever answered.
 */
import type { Context as LambdaContext } from "aws-lambda";
import {
  currentInvocation,
  finishInvocation,
  type Invocation,
  type InvocationInfo,
  startInvocation,
} from "./invocation.ts";
import { debugEnabled, flushLogs, logger, setLogContext } from "./logger.ts";
import { captureColdStart, countStatus, publishMetrics } from "./metrics.ts";

export function beginInvocation(info: InvocationInfo, lambdaContext?: unknown): Invocation {
  const invocation = startInvocation(info);
  // Powertools reads request id, function name, ARN, memory and version from it; missing ones are left out.
  setLogContext({
    ...(typeof lambdaContext === "object" ? lambdaContext : {}),
    awsRequestId: info.requestId,
    functionName: info.functionName,
  } as LambdaContext);
  captureColdStart(info.functionName);
  return invocation;
}

/** The decoded request, for the debug line (method and path only: no query, header or body). */
export function noteRequest(request: { method: string; path: string }): void {
  const invocation = currentInvocation();
  if (invocation) invocation.request = { method: request.method, path: request.path };
}

export async function endInvocation(invocation: Invocation | undefined, status: number): Promise<void> {
  if (!invocation) return;
  countStatus(status);
  if (debugEnabled())
    logger().debug("request", {
      method: invocation.request?.method,
      path: invocation.request?.path,
      status,
      duration_ms: Math.round(performance.now() - invocation.startedAt),
    });
  // Lines and metrics kept while Powertools loaded are written before the answer leaves: Lambda may
  // freeze the process right after it.
  await Promise.all([flushLogs(), publishMetrics()]);
  finishInvocation(invocation);
}
