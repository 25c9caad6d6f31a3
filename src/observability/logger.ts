/**
 * Structured logs with Powertools for AWS Lambda's Logger: one JSON line each, with level, message,
 * timestamp, service and — once an invocation started — function name, request id and cold start.
 * Errors go to stderr, the rest to stdout. Every string passes through `redact`.
 *
 * The Logger is made when a line is first written, not when the first invocation starts: its
 * constructor costs 2-6 ms of a cold start (bench/COLD-START.md, cut 4), and a request that succeeds
 * at INFO writes nothing. The invocation's context is kept until then and applied on construction,
 * with `cold_start` saying whether that invocation is the process's first.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import type { Context as LambdaContext } from "aws-lambda";
import { LOG_LEVELS, type LogLevel } from "../config.ts";
import { redactingReplacer } from "./redact.ts";

export const SERVICE = "session-roles";

let instance: Logger | undefined;
let debugOn: boolean | undefined;
/** The current invocation's context while there is no Logger yet, and how many invocations began. */
let pendingContext: LambdaContext | undefined;
let invocations = 0;

/**
 * LOG_LEVEL as src/config.ts reads it. Not through the config itself: an invalid config must still be
 * logged. An invalid level is refused by the config at cold start; here it leaves Powertools' default.
 */
function logLevelFromEnvironment(): LogLevel | undefined {
  const value = process.env.LOG_LEVEL?.trim().toUpperCase();
  return LOG_LEVELS.find((level) => level === value);
}

/** The process's logger, made at its first use. */
export function logger(): Logger {
  if (instance) return instance;
  instance = new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE,
    logLevel: logLevelFromEnvironment(),
    jsonReplacerFn: redactingReplacer,
  });
  debugOn = ["TRACE", "DEBUG"].includes(instance.getLevelName());
  if (pendingContext) {
    // Powertools says `cold_start: true` on a Logger's first context: only right for the first invocation.
    // (`getColdStart()` is protected in Powertools' types; it reads and clears the flag.)
    if (invocations > 1) (instance as unknown as { getColdStart(): boolean }).getColdStart();
    instance.addContext(pendingContext);
    pendingContext = undefined;
  }
  return instance;
}

/** The invocation's ids (request id, function name, ARN, …) into every line written during it. */
export function setLogContext(context: LambdaContext): void {
  invocations++;
  if (instance) instance.addContext(context);
  else pendingContext = context;
}

/** Environment variables through which Powertools could come to log DEBUG lines. */
const LEVEL_SOURCES = ["LOG_LEVEL", "POWERTOOLS_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"] as const;

/**
 * Whether DEBUG lines are written: asked once, since Powertools reads the environment on each call.
 * Without a Logger yet, the answer is "no" when nothing in the environment could make it log DEBUG
 * (no level source naming TRACE or DEBUG, no sampling); otherwise the Logger is made and asked.
 */
export function debugEnabled(): boolean {
  if (debugOn !== undefined) return debugOn;
  const couldDebug =
    LEVEL_SOURCES.some((name) => /trace|debug/i.test(process.env[name] ?? "")) ||
    (process.env.POWERTOOLS_LOGGER_SAMPLE_RATE ?? "").trim() !== "";
  if (!couldDebug) return false;
  logger();
  return debugOn ?? false;
}

/** For Powertools Metrics: its warnings go through the Logger, made only if it ever writes one. */
export const lazyLogger = {
  debug: (...content: unknown[]) => logger().debug(...(content as [string])),
  info: (...content: unknown[]) => logger().info(...(content as [string])),
  warn: (...content: unknown[]) => logger().warn(...(content as [string])),
  error: (...content: unknown[]) => logger().error(...(content as [string])),
};
