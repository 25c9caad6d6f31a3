/** The lines an operator reads, each in one place so its fields stay the same everywhere. */
import { logger } from "./logger.ts";

export interface CoreUnavailableLine {
  /** A stable code to filter on: connection-refused, timeout, invalid-api-key, core-5xx, … */
  cause: string;
  /** The cause in words. */
  description: string;
  coreUrl: string | undefined;
  corePath?: string | undefined;
  detail: string;
}

/** One ERROR line per 503: why the core could not answer, and which core. */
export function logCoreUnavailable(line: CoreUnavailableLine): void {
  logger().error(`session service unavailable: ${line.description}`, {
    status: 503,
    cause: line.cause,
    core_url: line.coreUrl,
    core_path: line.corePath,
    detail: line.detail,
  });
}

/**
 * One WARN line when a role change reached the core but not every session now: those sessions get it
 * at their next refresh (the answer is still 200).
 */
export function logRoleChangeLeftToRefresh(what: string, error: unknown): void {
  logger().warn("role change left to the sessions' next refresh", { what, error });
}

/**
 * One WARN line when a refresh could not read the user's roles: the core had already rotated the
 * tokens, so the refresh succeeds and the token keeps the roles it had until the next one.
 */
export function logRefreshKeptRoles(userId: string, error: unknown): void {
  logger().warn("refresh kept the token's roles: the core did not answer the roles read", { userId, error });
}

/**
 * One WARN line when the core holds role or permission names that cannot travel in a list (a comma,
 * space or control character, made outside roles.json): they are left out and grant nothing.
 */
export function logNamesLeftOut(userId: string, leftOut: readonly string[]): void {
  logger().warn("role or permission names with a comma, space or control character left out", {
    userId,
    leftOut: leftOut.map((name) => name.slice(0, 100)),
  });
}

/** One ERROR line for a configuration the function cannot run with: its message names the variable. */
export function logConfigError(error: Error): void {
  logger().error("config error", { status: 500, error: error.message });
}

/** One ERROR line per 500, with the error's name, message and stack (never sent to the client). */
export function logInternalError(where: string, error: unknown): void {
  logger().error("internal error", { status: 500, where, error });
}

/** One WARN line when a reset-token request took longer than RESET_TOKEN_MIN_MS: its timing shows. */
export function logSlowResetToken(tookMs: number, minMs: number): void {
  logger().warn("password reset request took longer than RESET_TOKEN_MIN_MS: its timing shows", {
    took_ms: Math.round(tookMs),
    reset_token_min_ms: minMs,
  });
}
