/**
 * The last line of defence before a log line is written: no token, password, hash or API key leaves
 * the process, even inside an error message or stack that quotes one. Every string of every line
 * goes through `redact`.
 */
const SECRET_KEY = /token|password|secret|api-?key|hash|authorization|cookie/i;
/** A JWT (access token), whatever it sits in. */
const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]*/g;
/**
 * Long runs of token characters: refresh tokens, hashes, keys. Ids (UUIDs, 36) and paths (split by
 * `/`) stay readable.
 */
const OPAQUE = /[\w+-]{40,}/g;
/** Powertools' own fields, from the Lambda context and environment: a long function name is no secret. */
const PLATFORM_KEYS = new Set(["function_name", "function_arn", "function_request_id", "xray_trace_id"]);
const MASK = "[redacted]";

const secrets = new Set<string>();

/** A value known to be secret (the core's API key) is masked wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text.replace(JWT, MASK).replace(OPAQUE, MASK);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

/** JSON.stringify replacer: masks secret-named fields and every secret inside any string. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== "" && SECRET_KEY.test(key) && value !== undefined && value !== null) return MASK;
  return typeof value === "string" && !PLATFORM_KEYS.has(key) ? redact(value) : value;
}
