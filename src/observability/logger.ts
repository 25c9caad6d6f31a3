/**
 * Structured logs with Powertools for AWS Lambda's Logger: one JSON line each, with level, message,
 * timestamp, service and — once an invocation started — function name, request id and cold start.
 * Errors go to stderr, the rest to stdout. Every string passes through `redact`.
 *
 * The Logger's module is loaded with `import()` and the Logger made when a line is first written, not
 * when the function loads: module and constructor cost ~8 ms of a cold start (bench/COLD-START.md,
 * cuts 4 and 11), and a request that succeeds at INFO writes nothing. A line written before then is
 * kept and written once the Logger exists; every invocation waits for that before it answers
 * (`flushLogs`). The invocation's context is kept until then and applied on construction, with
 * `cold_start` saying whether that invocation is the process's first.
 */

import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context as LambdaContext } from "aws-lambda";
import { couldLogDebug, logSettings } from "../config/observability.ts";
import { redactingReplacer } from "./redact.ts";

let instance: Logger | undefined;
let debugOn: boolean | undefined;
/** The current invocation's context while there is no Logger yet, and how many invocations began. */
let pendingContext: LambdaContext | undefined;
let invocations = 0;

/** What callers write lines with: the Logger's own methods. */
export type LogSink = Pick<Logger, "debug" | "info" | "warn" | "error">;
type LogMethod = keyof LogSink;

let loading: Promise<Logger> | undefined;
/** Lines written before the Logger existed, in order. */
const waiting: Array<{ method: LogMethod; content: unknown[] }> = [];

function write(made: Logger, { method, content }: { method: LogMethod; content: unknown[] }): void {
  (made[method] as (...args: unknown[]) => void)(...content);
}

function make(LoggerClass: typeof Logger): Logger {
  const made = new LoggerClass({
    // Read here, not through the validated config: an invalid config must still be logged.
    ...logSettings(),
    jsonReplacerFn: redactingReplacer,
  });
  debugOn = ["TRACE", "DEBUG"].includes(made.getLevelName());
  if (pendingContext) {
    // Powertools says `cold_start: true` on a Logger's first context: only right for the first invocation.
    // (`getColdStart()` is protected in Powertools' types; it reads and clears the flag.)
    if (invocations > 1) (made as unknown as { getColdStart(): boolean }).getColdStart();
    made.addContext(pendingContext);
    pendingContext = undefined;
  }
  return made;
}

/** The Logger: its module loaded, made once; lines written before it existed are written first. */
export function loggerReady(): Promise<Logger> {
  if (instance) return Promise.resolve(instance);
  loading ??= import("@aws-lambda-powertools/logger").then(
    ({ Logger: LoggerClass }) => {
      instance ??= make(LoggerClass);
      for (const line of waiting.splice(0)) write(instance, line);
      return instance;
    },
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

const keep =
  (method: LogMethod) =>
  (...content: unknown[]) => {
    waiting.push({ method, content });
    loggerReady().catch((error: unknown) => {
      // Without Powertools each kept line still reaches the log, plainly.
      for (const line of waiting.splice(0))
        console.error(`session-roles (${line.method}, Logger not loaded: ${String(error)})`, ...line.content);
    });
  };

/** Writes into the Logger, or keeps the line until it exists. */
const keeping: LogSink = {
  debug: keep("debug"),
  info: keep("info"),
  warn: keep("warn"),
  error: keep("error"),
};

export function logger(): LogSink {
  return instance ?? keeping;
}

/** Waits until every line written so far is out (each invocation does, before it answers). */
export async function flushLogs(): Promise<void> {
  if (waiting.length > 0) await loggerReady().catch(() => {});
}

export function setLogContext(context: LambdaContext): void {
  invocations++;
  if (instance) instance.addContext(context);
  else pendingContext = context;
}

/**
 * Whether DEBUG lines are written: asked once, since Powertools reads the environment on each call.
 * Without a Logger yet, the answer is "no" when nothing in the environment could make it log DEBUG
 * (no level source naming TRACE or DEBUG, no sampling), and "maybe" (true) otherwise.
 */
export function debugEnabled(): boolean {
  if (debugOn !== undefined) return debugOn;
  const couldDebug = couldLogDebug();
  if (couldDebug) void loggerReady().catch(() => {});
  // Until the Logger exists, "maybe" is yes: a kept DEBUG line is dropped by the Logger if its level
  // says so.
  return couldDebug;
}

export const lazyLogger = {
  debug: (...content: unknown[]) => logger().debug(...(content as [string])),
  info: (...content: unknown[]) => logger().info(...(content as [string])),
  warn: (...content: unknown[]) => logger().warn(...(content as [string])),
  error: (...content: unknown[]) => logger().error(...(content as [string])),
};
