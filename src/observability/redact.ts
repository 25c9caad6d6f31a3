/**
 * The last line of defence before a log line is written: no token, password, hash or API key leaves
 * the process, even inside an error message or stack that quotes one. Every string of every line
 * goes through `redact`.
 */
const SECRET_KEY = /token|password|secret|api-?key|hash|authorization|cookie/i;
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

/** `[\w-]`: the characters of a JWT segment (base64url). */
function isSegmentChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function segmentEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSegmentChar(text.charCodeAt(i))) i++;
  return i;
}

/**
 * Masks what `/eyJ[\w-]*\.[\w-]+\.[\w-]*\/g` matches (a JWT, whatever it sits in), in one pass: that
 * regex backtracked over every `eyJ` of a long run (64,000 × `eyJ` took about a second). Each character
 * is looked at a bounded number of times: a failed candidate fails for its whole segment, so the search
 * goes on after that segment.
 */
function maskJwts(text: string): string {
  let out = "";
  let copied = 0;
  let from = 0;
  for (;;) {
    const start = text.indexOf("eyJ", from);
    if (start < 0) break;
    const first = segmentEnd(text, start + 3);
    from = first;
    if (text.charCodeAt(first) !== 0x2e) continue;
    const second = segmentEnd(text, first + 1);
    if (second === first + 1 || text.charCodeAt(second) !== 0x2e) continue;
    const end = segmentEnd(text, second + 1);
    out += text.slice(copied, start) + MASK;
    copied = end;
    from = end;
  }
  return copied === 0 ? text : out + text.slice(copied);
}

export function redact(text: string): string {
  let out = maskJwts(text).replace(OPAQUE, MASK);
  for (const secret of secrets) out = out.split(secret).join(MASK);
  return out;
}

/** JSON.stringify replacer: masks secret-named fields and every secret inside any string. */
export function redactingReplacer(key: string, value: unknown): unknown {
  if (key !== "" && SECRET_KEY.test(key) && value !== undefined && value !== null) return MASK;
  return typeof value === "string" && !PLATFORM_KEYS.has(key) ? redact(value) : value;
}
