/**
 * supertokens-node calls the runtime's global `fetch` for every core request and offers no
 * timeout, so a hung core would hang the function until the platform kills it. This wraps the
 * global fetch once per process: requests to the core get a deadline, everything else is untouched.
 *
 * Core requests go out through `node:http(s)` rather than the runtime's fetch (undici): the first
 * undici request instantiates its llhttp WebAssembly parser and connection pool, ~8 MiB of peak RSS
 * and ~15 ms on a cold start (bench/TRICKS.md), while node:http is already loaded (jose fetches
 * the JWKS with it). supertokens-node still gets a real `Response`, exactly as before.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";

export class CoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super("session service unavailable", { cause });
    this.name = "CoreUnavailableError";
  }
}

interface Deadline {
  coreUrl: string;
  timeoutMs: number;
}

const deadlines: Deadline[] = [];
let originalFetch: typeof fetch | undefined;

function deadlineFor(url: string): Deadline | undefined {
  return deadlines.find((deadline) => url.startsWith(deadline.coreUrl));
}

function urlOf(input: Parameters<typeof fetch>[0]): string {
  if (typeof input === "string") return input;
  return input instanceof URL ? input.href : input.url;
}

/** Gives every fetch to `coreUrl` a deadline of `timeoutMs`; idempotent, the last call wins. */
export function setCoreDeadline(coreUrl: string, timeoutMs: number): void {
  const existing = deadlineFor(coreUrl);
  if (existing) existing.timeoutMs = timeoutMs;
  else deadlines.push({ coreUrl, timeoutMs });
  if (originalFetch) return;
  const runtimeFetch = globalThis.fetch;
  originalFetch = runtimeFetch;
  globalThis.fetch = async (input, init) => {
    const deadline = deadlineFor(urlOf(input));
    if (!deadline || init?.signal) return runtimeFetch(input, init);
    try {
      const signal = AbortSignal.timeout(deadline.timeoutMs);
      const send = coreRequest(input, init, signal) ?? (() => runtimeFetch(input, { ...init, signal }));
      let response: Response;
      try {
        response = await send();
      } catch (error) {
        // A keep-alive socket the core closed while idle (or while the Lambda was frozen) fails at
        // once, before the core saw the request: one retry on a fresh connection, same deadline.
        if (signal.aborted || !staleSocket(error)) throw error;
        response = await send();
      }
      // A 5xx or a body that is not JSON means the core cannot answer; supertokens-node would
      // otherwise surface it as a generic error.
      if (response.status >= 500) throw new Error(`core answered ${response.status}`);
      if (!/json/i.test(response.headers.get("content-type") ?? "")) return response;
      const text = await response.text();
      JSON.parse(text);
      return new Response(text, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } catch (error) {
      throw new CoreUnavailableError(error);
    }
  };
}

/** Methods fetch upper-cases (https://fetch.spec.whatwg.org/#concept-method-normalize). */
const NORMALISED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
/** Statuses whose Response must have a null body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The request supertokens-node's querier makes (a URL string, plain headers, a string body or none),
 * sent with node:http(s) and answered as a buffered `Response`; undefined for anything else, which
 * keeps going through the runtime's fetch.
 */
function coreRequest(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
  signal: AbortSignal,
): (() => Promise<Response>) | undefined {
  const body = init?.body ?? undefined;
  if (typeof input !== "string" || (body !== undefined && typeof body !== "string")) return undefined;
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const method = (init?.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { accept: "*/*", "user-agent": "node" };
  new Headers(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (body !== undefined) {
    headers["content-type"] ??= "text/plain;charset=UTF-8";
    headers["content-length"] = String(Buffer.byteLength(body));
  } else if (method === "POST" || method === "PUT") headers["content-length"] = "0";
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return () =>
    new Promise<Response>((resolve, reject) => {
      const request = send(
        url,
        {
          method: NORMALISED_METHODS.has(method) ? method : (init?.method ?? "GET"),
          headers,
          signal,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          // The core saw this request: a connection lost mid-answer is not a stale socket and must not
          // be retried (as with fetch, where the body read failed after the retry window).
          const interrupted = (error?: unknown) =>
            reject(
              new Error(`core answer interrupted: ${error instanceof Error ? error.message : "aborted"}`),
            );
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("error", interrupted);
          res.on("aborted", () => interrupted());
          res.on("end", () => {
            const status = res.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
              responseHeaders.append(res.rawHeaders[i] ?? "", res.rawHeaders[i + 1] ?? "");
            try {
              resolve(
                new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
                  status,
                  statusText: res.statusMessage ?? "",
                  headers: responseHeaders,
                }),
              );
            } catch (error) {
              reject(error);
            }
          });
        },
      );
      request.on("error", reject);
      request.end(body);
    });
}

function staleSocket(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === "ECONNRESET" || code === "EPIPE" || code === "UND_ERR_SOCKET") return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}

/** True when `error` (or anything in its cause chain) says the core could not be reached in time. */
export function isCoreUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof CoreUnavailableError) return true;
    const message = current instanceof Error ? current.message : String(current);
    if (/No SuperTokens core available to query|session service unavailable/.test(message)) return true;
    current = current instanceof Error ? current.cause : undefined;
  }
  return false;
}
