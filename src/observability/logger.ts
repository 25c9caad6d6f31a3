/**
 * Structured logs with Powertools for AWS Lambda's Logger: one JSON line each, with level, message,
 * timestamp, service and — once an invocation started — function name, request id and cold start.
 * Errors go to stderr, the rest to stdout. Every string passes through `redact`.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { LOG_LEVELS, type LogLevel } from "../config.ts";
import { redactingReplacer } from "./redact.ts";

export const SERVICE = "session-roles";

let instance: Logger | undefined;
let debugOn = false;

/**
 * LOG_LEVEL as src/config.ts reads it. Not through the config itself: an invalid config must still be
 * logged. An invalid level is refused by the config at cold start; here it leaves Powertools' default.
 */
function logLevelFromEnvironment(): LogLevel | undefined {
  const value = process.env.LOG_LEVEL?.trim().toUpperCase();
  return LOG_LEVELS.find((level) => level === value);
}

/** The process's logger, made at its first use (its constructor costs ~3 ms of the cold start). */
export function logger(): Logger {
  if (instance) return instance;
  instance = new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || SERVICE,
    logLevel: logLevelFromEnvironment(),
    jsonReplacerFn: redactingReplacer,
  });
  debugOn = ["TRACE", "DEBUG"].includes(instance.getLevelName());
  return instance;
}

/** Whether DEBUG lines are written: asked once, since Powertools reads the environment on each call. */
export function debugEnabled(): boolean {
  logger();
  return debugOn;
}
