/**
 * Logging and metrics settings (LOG_LEVEL, POWERTOOLS_*). Read straight from the environment, not
 * through the validated core config, on purpose: a function whose config is invalid must still be
 * able to log that. An invalid LOG_LEVEL is refused by the core config at cold start (src/config/core.ts);
 * here it leaves Powertools' default. No valibot here: the logger loads this before anything else.
 */
import type { Environment } from "./parse.ts";

/** Powertools Logger's levels; LOG_LEVEL picks one (case-insensitive). */
export const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "CRITICAL", "SILENT"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `service` in every log line and metric, unless POWERTOOLS_SERVICE_NAME says otherwise. */
export const SERVICE = "session-roles";
const NAMESPACE = "SessionRoles";

/** What the Logger is made with. */
export function logSettings(env: Environment = process.env): { serviceName: string; logLevel?: LogLevel } {
  const level = env.LOG_LEVEL?.trim().toUpperCase();
  return {
    serviceName: env.POWERTOOLS_SERVICE_NAME || SERVICE,
    logLevel: LOG_LEVELS.find((known) => known === level),
  };
}

/**
 * Whether anything in the environment could make Powertools log DEBUG lines: a level source naming
 * TRACE or DEBUG, or sampling.
 */
export function couldLogDebug(env: Environment = process.env): boolean {
  const levels = [env.LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL, env.AWS_LAMBDA_LOG_LEVEL];
  return (
    levels.some((value) => /trace|debug/i.test(value ?? "")) ||
    (env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? "").trim() !== ""
  );
}

/** Powertools' own reading of a true POWERTOOLS_METRICS_DISABLED. */
const TRUE_VALUES = new Set(["1", "y", "yes", "t", "true", "on"]);

/** Metrics: on in Lambda, off outside it, unless POWERTOOLS_METRICS_DISABLED says otherwise. */
export function metricsSettings(env: Environment = process.env): {
  enabled: boolean;
  namespace: string;
  serviceName: string;
} {
  const disabled = env.POWERTOOLS_METRICS_DISABLED;
  return {
    enabled:
      disabled !== undefined
        ? !TRUE_VALUES.has(disabled.trim().toLowerCase())
        : Boolean(env.AWS_LAMBDA_FUNCTION_NAME),
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || NAMESPACE,
    serviceName: env.POWERTOOLS_SERVICE_NAME || SERVICE,
  };
}
