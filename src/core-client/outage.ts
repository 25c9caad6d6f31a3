/**
 * Why the core could not answer. Every cause is a 503 for the client; the operator needs to tell them
 * apart (a stopped core, a slow one, a wrong API key, a broken deploy), so each failure carries one.
 */
export type OutageReason =
  | "connection-refused"
  | "timeout"
  | "invalid-api-key"
  | "core-5xx"
  | "malformed-answer"
  | "connection-lost"
  | "unreachable"
  | "api-key-parameter";

export interface Outage {
  reason: OutageReason;
  /** The core's connection URI without credentials or query; undefined when not known. */
  coreUrl: string | undefined;
  /** The core route that failed (no query: it may name a user), when known. */
  corePath?: string;
  /** A short, secret-free detail: a status, an error code, a deadline. */
  detail: string;
}

export class CoreUnavailableError extends Error {
  readonly outage: Outage;

  constructor(cause: unknown, outage: Partial<Outage> = {}) {
    super("session service unavailable", { cause });
    this.name = "CoreUnavailableError";
    this.outage = {
      reason: outage.reason ?? reasonOf(cause),
      coreUrl: outage.coreUrl === undefined ? undefined : safeUrl(outage.coreUrl),
      ...(outage.corePath === undefined ? {} : { corePath: outage.corePath }),
      detail: outage.detail ?? detailOf(cause),
    };
  }
}

/** A URL as a log line may show it: never its userinfo, query or fragment. */
export function safeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`.replace(/\/+$/, "");
  } catch {
    return "(not a URL)";
  }
}

const CODES: Record<string, OutageReason> = {
  ECONNREFUSED: "connection-refused",
  ENOTFOUND: "unreachable",
  EAI_AGAIN: "unreachable",
  EHOSTUNREACH: "unreachable",
  ENETUNREACH: "unreachable",
  ETIMEDOUT: "timeout",
  ABORT_ERR: "timeout",
  ECONNRESET: "connection-lost",
  EPIPE: "connection-lost",
  UND_ERR_SOCKET: "connection-lost",
};

function* chain(error: unknown): Generator<unknown> {
  for (let current = error, depth = 0; current && depth < 6; depth++) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

/** The outage an error (from node:http, fetch or the SDK) stands for. */
export function reasonOf(error: unknown): OutageReason {
  for (const current of chain(error)) {
    if (current instanceof CoreUnavailableError) return current.outage.reason;
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === "string" && CODES[code]) return CODES[code];
    if (name === "TimeoutError" || name === "AbortError") return "timeout";
    if (current instanceof SyntaxError) return "malformed-answer";
    if (current instanceof Error && current.message.startsWith("core answer interrupted"))
      return "connection-lost";
  }
  return "unreachable";
}

/** An error code or name, never a message (a message may quote what the core or the SDK was sent). */
function detailOf(error: unknown): string {
  for (const current of chain(error)) {
    const { code, name } = current as { code?: unknown; name?: unknown };
    if (typeof code === "string") return code;
    if (typeof name === "string" && name !== "Error" && name !== "CoreUnavailableError") return name;
  }
  return "no detail";
}

/** The core this process talks to, for outages known only from supertokens-node's error text. */
let configuredCore: string | undefined;

export function rememberCoreUrl(coreUrl: string): void {
  configuredCore = safeUrl(coreUrl);
}

/**
 * The outage behind `error` — a CoreUnavailableError anywhere in its cause chain (supertokens-node
 * wraps some, e.g. in claim fetching, in its own errors' `payload`) — or undefined for any other error.
 */
export function coreOutage(error: unknown): Outage | undefined {
  for (const current of chain(error)) {
    if (current instanceof CoreUnavailableError) return current.outage;
    const payload = (current as { payload?: unknown }).payload;
    if (payload instanceof CoreUnavailableError) return payload.outage;
    const message = current instanceof Error ? current.message : String(current);
    // supertokens-node's error for a core's 401: the only one a core answers, to a missing or wrong key.
    const refused = /request to path: '([^']*)' with status code: 401/.exec(message);
    if (refused)
      return {
        reason: "invalid-api-key",
        coreUrl: configuredCore,
        corePath: refused[1],
        detail: "core answered 401",
      };
    // supertokens-node's own words once every host failed to connect.
    if (message.includes("No SuperTokens core available to query"))
      return { reason: "unreachable", coreUrl: configuredCore, detail: "no core host answered" };
    // Our error's message, re-thrown by code that kept only the message.
    if (message.includes("session service unavailable"))
      return { reason: "unreachable", coreUrl: configuredCore, detail: "rethrown without its cause" };
  }
  return undefined;
}

/** True when `error` (or anything in its cause chain) says the core could not be reached in time. */
export function isCoreUnavailable(error: unknown): boolean {
  return coreOutage(error) !== undefined;
}
