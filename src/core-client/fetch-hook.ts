/**
 * supertokens-node calls the runtime's global `fetch` for every core request and offers no
 * timeout, so a hung core would hang the function until the platform kills it. This wraps the
 * global fetch once per process: requests to the core get a deadline (CORE_TIMEOUT_MS, less when
 * the invocation has less time left), the API key when it is read at run time, a cause when they
 * fail (5xx, malformed JSON, no connection, no answer in time), and a latency metric. Any other
 * answer goes through as it is; other URLs are untouched. Core requests go out through
 * `node:http` (./transport.ts), not undici.
 */

import { LightHeaders } from "../http/light-headers.ts";
import { countRoleUpdate, recordCoreCall } from "../observability/metrics.ts";
import { apiKeyFor, forgetApiKey } from "./api-key.ts";
import { asFetchResponse, CoreResponse } from "./core-response.ts";
import { coreDeadlineMs } from "./deadline.ts";
import { CoreUnavailableError, type OutageReason, rememberCoreUrl } from "./outage.ts";
import { coreRequest } from "./transport.ts";

export { CoreUnavailableError, isCoreUnavailable } from "./outage.ts";

interface Deadline {
  coreUrl: string;
  timeoutMs: number;
}

const deadlines: Deadline[] = [];
let installed = false;

function deadlineFor(url: string): Deadline | undefined {
  return deadlines.find((deadline) => url.startsWith(deadline.coreUrl));
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}

/** Core routes that write roles into a session's access token (regenerate; payload by handle). */
const ROLE_WRITES = /\/recipe\/(session\/regenerate|jwt\/data)$/;

/** Gives every fetch to `coreUrl` a deadline of `timeoutMs`; idempotent, the last call wins. */
export function setCoreDeadline(coreUrl: string, timeoutMs: number): void {
  const existing = deadlineFor(coreUrl);
  if (existing) existing.timeoutMs = timeoutMs;
  else deadlines.push({ coreUrl, timeoutMs });
  rememberCoreUrl(coreUrl);
  if (installed) return;
  installed = true;
  const runtimeFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const url = urlOf(input);
    const deadline = deadlineFor(url);
    if (!deadline || init?.signal) return runtimeFetch(input, init);
    const started = performance.now();
    const where = { coreUrl: deadline.coreUrl, corePath: pathOf(url, deadline.coreUrl) };
    const outage = (reason: OutageReason, detail: string, cause?: unknown) =>
      new CoreUnavailableError(cause ?? new Error(detail), { reason, detail, ...where });
    try {
      const timeoutMs = coreDeadlineMs(deadline.timeoutMs);
      if (timeoutMs <= 0) throw outage("timeout", "no time left in the invocation");
      const deadlineAt = performance.now() + timeoutMs;
      const left = () => Math.max(0, deadlineAt - performance.now());
      const apiKey = await apiKeyFor(url, timeoutMs);
      const sent = apiKey === undefined ? init : { ...init, headers: withApiKey(init?.headers, apiKey) };
      const viaNodeHttp = coreRequest(input, sent);
      const send = () =>
        viaNodeHttp
          ? viaNodeHttp(Math.max(1, left()))
          : runtimeFetch(input, { ...sent, signal: AbortSignal.timeout(Math.max(1, left())) });
      let response: Response;
      try {
        response = await send();
      } catch (error) {
        // A keep-alive socket the core closed while idle (or while the Lambda was frozen) fails at
        // once, before the core saw the request: one retry on a fresh connection, same deadline.
        if (left() <= 0 || !staleSocket(error)) throw error;
        response = await send();
      }
      // The only 401 a core answers: the key is missing or wrong (perhaps rotated: read it again).
      // The answer itself goes through: supertokens-node's error for it says 401 (./outage.ts).
      if (response.status === 401) forgetApiKey(url);
      // A 5xx or a body that is not JSON means the core cannot answer; supertokens-node would
      // otherwise surface it as a generic error.
      if (response.status >= 500) throw outage("core-5xx", `core answered ${response.status}`);
      if (!/json/i.test(response.headers.get("content-type") ?? "")) return response;
      const text = await response.text();
      try {
        JSON.parse(text);
      } catch (error) {
        throw outage("malformed-answer", `core answered ${response.status} with malformed JSON`, error);
      }
      if (response.ok && ROLE_WRITES.test(where.corePath)) countRoleUpdate();
      return asFetchResponse(
        new CoreResponse(response.status, response.statusText, response.headers, url, Buffer.from(text)),
      );
    } catch (error) {
      if (error instanceof CoreUnavailableError) throw error;
      throw new CoreUnavailableError(error, where);
    } finally {
      recordCoreCall(performance.now() - started);
    }
  };
}

/** The route below the connection URI, without the query (it may name a user). */
function pathOf(url: string, coreUrl: string): string {
  return url.slice(coreUrl.length).split("?")[0] ?? "";
}

function withApiKey(headers: HeadersInit | undefined, apiKey: string): Headers {
  const out = new LightHeaders(headers);
  out.set("api-key", apiKey);
  return out;
}

function staleSocket(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
