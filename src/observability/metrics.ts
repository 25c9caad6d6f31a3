/**
 * CloudWatch metrics in the embedded metric format (EMF) with Powertools for AWS Lambda's Metrics:
 * JSON lines on stdout that CloudWatch Logs turns into metrics, flushed at the end of each
 * invocation. Off outside Lambda (no AWS_LAMBDA_FUNCTION_NAME), where nothing reads those lines,
 * unless POWERTOOLS_METRICS_DISABLED says otherwise.
 */
import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { currentInvocation } from "./invocation.ts";
import { lazyLogger, SERVICE } from "./logger.ts";

export const NAMESPACE = "SessionRoles";

/** Answers worth a metric: refused sessions and the two server-side failures. */
const COUNTED_STATUSES = new Set([401, 403, 500, 503]);

let instance: Metrics | undefined | null;

function metrics(): Metrics | undefined {
  if (instance === undefined) {
    const enabled =
      process.env.POWERTOOLS_METRICS_DISABLED !== undefined || Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME);
    instance = enabled
      ? new Metrics({
          namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || NAMESPACE,
          serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE,
          logger: lazyLogger,
        })
      : null;
  }
  return instance ?? undefined;
}

/** Makes the Metrics object ahead of the first invocation (its constructor costs ~3 ms): for init phases. */
export function prepareMetrics(): void {
  metrics();
}

/** Metrics belong to an invocation: none are kept outside one (a CLI, a test's own core calls). */
function recording(): Metrics | undefined {
  return currentInvocation() ? metrics() : undefined;
}

/** A `ColdStart` metric (dimension function_name), written at once, on the first invocation only. */
export function captureColdStart(functionName: string | undefined): void {
  recording()?.captureColdStartMetric(functionName);
}

/** How long one core call took, failed ones included (a timeout shows as the deadline). */
export function recordCoreCall(ms: number): void {
  recording()?.addMetric("CoreCallLatency", MetricUnit.Milliseconds, Math.round(ms));
}

/** A session's access token got the user's roles written into it. */
export function countRoleUpdate(): void {
  recording()?.addMetric("RoleUpdates", MetricUnit.Count, 1);
}

/** `Http401`, `Http403`, `Http500`, `Http503`. */
export function countStatus(status: number): void {
  if (COUNTED_STATUSES.has(status)) recording()?.addMetric(`Http${status}`, MetricUnit.Count, 1);
}

/** Writes this invocation's metrics as one EMF line (none when there is nothing to say). */
export function publishMetrics(): void {
  const current = metrics();
  if (current?.hasStoredMetrics()) current.publishStoredMetrics();
}
