/**
 * CloudWatch metrics in the embedded metric format (EMF) with Powertools for AWS Lambda's Metrics:
 * JSON lines on stdout that CloudWatch Logs turns into metrics, flushed at the end of each
 * invocation. Off outside Lambda (no AWS_LAMBDA_FUNCTION_NAME), where nothing reads those lines,
 * unless POWERTOOLS_METRICS_DISABLED says otherwise.
 */
import type { Metrics, MetricUnit as MetricUnits } from "@aws-lambda-powertools/metrics";
import { metricsSettings } from "../config/observability.ts";
import { currentInvocation } from "./invocation.ts";
import { lazyLogger } from "./logger.ts";

/** The statuses counted as metrics (Http401, …): the ones an operator alarms on. */
const COUNTED_STATUSES = new Set([401, 403, 500, 503]);

type Units = typeof MetricUnits;
type Recording = (metrics: Metrics, units: Units) => void;

let settings: ReturnType<typeof metricsSettings> | undefined;

/**
 * On in Lambda, off outside it, unless POWERTOOLS_METRICS_DISABLED says otherwise. Turned off by it,
 * Powertools would write nothing: then its module is not even loaded (its constructor sets up a Console
 * on stdout, ~3 ms of a first invocation).
 */
function enabled(): boolean {
  // Read once per cold start, at the first metric or the init phase's head start.
  settings ??= metricsSettings();
  return settings.enabled;
}

let instance: { metrics: Metrics; units: Units } | undefined;
let loading: Promise<{ metrics: Metrics; units: Units }> | undefined;
/** What the invocation recorded before Metrics existed: replayed into it before publishing. */
const waiting: Recording[] = [];

/**
 * Metrics, its module loaded with `import()` (not part of a cold start's import: bench/COLD-START.md,
 * cut 11) and made once.
 */
function metricsReady(): Promise<{ metrics: Metrics; units: Units }> {
  if (instance) return Promise.resolve(instance);
  loading ??= import("@aws-lambda-powertools/metrics").then(
    ({ Metrics: MetricsClass, MetricUnit }) => {
      const { namespace, serviceName } = settings ?? metricsSettings();
      instance ??= {
        metrics: new MetricsClass({
          namespace,
          serviceName,
          logger: lazyLogger,
        }),
        units: MetricUnit,
      };
      return instance;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** Starts loading Metrics without waiting (the Lambda init phase, where the runtime waits anyway). */
export function prepareMetrics(): void {
  if (enabled()) metricsReady().catch(() => {});
}

/**
 * Records into the current invocation's metrics: none are kept outside one (a CLI, a test's own core
 * calls), nor when metrics are off.
 */
function record(recording: Recording): void {
  if (!currentInvocation() || !enabled()) return;
  if (instance) recording(instance.metrics, instance.units);
  else {
    waiting.push(recording);
    metricsReady().catch(() => {});
  }
}

/** A `ColdStart` metric (dimension function_name), written at once, on the first invocation only. */
export function captureColdStart(functionName: string | undefined): void {
  record((metrics) => metrics.captureColdStartMetric(functionName));
}

/** How long one core call took, failed ones included (a timeout shows as the deadline). */
export function recordCoreCall(ms: number): void {
  record((metrics, units) => metrics.addMetric("CoreCallLatency", units.Milliseconds, Math.round(ms)));
}

/** A session's access token got the user's roles written into it. */
export function countRoleUpdate(): void {
  record((metrics, units) => metrics.addMetric("RoleUpdates", units.Count, 1));
}

/** `Http401`, `Http403`, `Http500`, `Http503`. */
export function countStatus(status: number): void {
  if (COUNTED_STATUSES.has(status))
    record((metrics, units) => metrics.addMetric(`Http${status}`, units.Count, 1));
}

/** Writes the invocation's metrics (the EMF line), after Metrics exists if anything waits for it. */
export async function publishMetrics(): Promise<void> {
  if (waiting.length > 0) {
    try {
      const ready = await metricsReady();
      for (const recording of waiting.splice(0)) recording(ready.metrics, ready.units);
    } catch {
      waiting.length = 0;
      return;
    }
  }
  if (instance?.metrics.hasStoredMetrics()) instance.metrics.publishStoredMetrics();
}
