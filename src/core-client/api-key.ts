/**
 * The core's API key when it is read at run time (SUPERTOKENS_API_KEY_PARAMETER) rather than set in
 * the environment, so it is in neither the deploy template nor the function's configuration.
 * Read once per process and kept. A failed read is tried again by the next request (no negative
 * caching), and a key the core refuses (401) is read again, so a rotated key needs no deploy.
 */
import { CoreTimeoutError, withDeadline } from "./deadline.ts";
import { CoreUnavailableError } from "./outage.ts";

export type KeyReader = () => Promise<string>;

interface Source {
  coreUrl: string;
  read: KeyReader;
  value: Promise<string> | undefined;
}

const sources = new Map<string, Source>();

function start(source: Source): Promise<string> {
  const value = source.read().catch((error: unknown) => {
    if (source.value === value) source.value = undefined;
    throw error;
  });
  source.value = value;
  // Started ahead of the first core call: a failure nobody awaits yet must not crash the process.
  value.catch(() => {});
  return value;
}

/** Core requests to `coreUrl` carry the key `read` returns; the read starts now. Idempotent per URL. */
export function setCoreApiKeySource(coreUrl: string, read: KeyReader): void {
  if (sources.has(coreUrl)) return;
  const source: Source = { coreUrl, read, value: undefined };
  sources.set(coreUrl, source);
  start(source);
}

function sourceFor(url: string): Source | undefined {
  for (const [coreUrl, source] of sources) if (url.startsWith(coreUrl)) return source;
  return undefined;
}

/** The key for a request to `url` within `timeoutMs`, undefined when its core has no run-time key source. */
export async function apiKeyFor(url: string, timeoutMs: number): Promise<string | undefined> {
  const source = sourceFor(url);
  if (!source) return undefined;
  try {
    // The read goes on past the deadline, shared with the next request.
    return await withDeadline(
      source.value ?? start(source),
      timeoutMs,
      () => new CoreTimeoutError(timeoutMs),
    );
  } catch (error) {
    if (error instanceof CoreTimeoutError) throw error;
    throw new CoreUnavailableError(error, { reason: "api-key-parameter", coreUrl: source.coreUrl });
  }
}

/** The core refused the key: the next request reads it again. */
export function forgetApiKey(url: string): void {
  const source = sourceFor(url);
  if (source) source.value = undefined;
}
