/**
 * supertokens-node calls the runtime's global `fetch` for every core request and offers no
 * timeout, so a hung core would hang the function until the platform kills it. This wraps the
 * global fetch once per process: requests to the core get a deadline, everything else is untouched.
 * Core requests go out through `node:http` (./transport.ts), not undici.
 */
import { coreRequest } from "./transport.ts";

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
let installed = false;

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
  if (installed) return;
  installed = true;
  const runtimeFetch = globalThis.fetch;
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
