/**
 * Core requests through `node:http(s)` rather than the runtime's fetch (undici): the first undici
 * request instantiates its llhttp WebAssembly parser and connection pool, ~8 MiB of peak RSS and
 * ~15 ms on a cold start (bench/TRICKS.md), while node:http is already loaded (jose fetches the
 * JWKS with it). supertokens-node gets a buffered Response-like (./core-response.ts), so neither the
 * request nor its answer touches undici.
 */
import type * as Http from "node:http";
import type * as Https from "node:https";
import { LightHeaders } from "../http/light-headers.ts";
import { asFetchResponse, CoreResponse } from "./core-response.ts";
import { CoreTimeoutError, withDeadline } from "./deadline.ts";

/**
 * node:http and node:https as `process.getBuiltinModule` gives them, each on first use. An ES module
 * import of them makes Node 22 and 24 build an ES-module facade that reads every export, including the
 * lazy getters that load undici (bench/COLD-START.md, "Node 22 and 24"). node:https also loads
 * Node's TLS stack (~1-2 ms of a cold start), which a function talking to a core over plain http (a
 * VPC-internal core, the local one) never needs.
 */
let http: typeof Http | undefined;
let https: typeof Https | undefined;
type Send = typeof Http.request;
const httpRequest = ((...args: Parameters<Send>) => {
  http ??= process.getBuiltinModule("node:http");
  return http.request(...(args as [URL, Http.RequestOptions]));
}) as Send;
const httpsRequest = ((...args: Parameters<Send>) => {
  https ??= process.getBuiltinModule("node:https");
  return https.request(...(args as [URL, Https.RequestOptions]));
}) as Send;

/** Methods fetch upper-cases (https://fetch.spec.whatwg.org/#concept-method-normalize). */
const NORMALISED_METHODS = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
/** Statuses whose Response must have a null body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The request supertokens-node's querier makes (a URL string, plain headers, a string body or none),
 * sent with node:http(s) and answered as a buffered Response-like within the given milliseconds;
 * undefined for anything else, which keeps going through the runtime's fetch. The deadline is
 * ./deadline.ts's, not an AbortSignal, whose machinery a cold start would load (COLD-START.md, cut 20).
 */
export function coreRequest(
  input: Parameters<typeof fetch>[0],
  init: RequestInit | undefined,
): ((timeoutMs: number) => Promise<Response>) | undefined {
  const body = init?.body ?? undefined;
  if (typeof input !== "string" || (body !== undefined && typeof body !== "string")) return undefined;
  const url = new URL(input);
  if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
  const method = (init?.method ?? "GET").toUpperCase();
  const headers: Record<string, string> = { accept: "*/*", "user-agent": "node" };
  new LightHeaders(init?.headers).forEach((value, name) => {
    headers[name] = value;
  });
  if (body !== undefined) {
    headers["content-type"] ??= "text/plain;charset=UTF-8";
    headers["content-length"] = String(Buffer.byteLength(body));
  } else if (method === "POST" || method === "PUT") headers["content-length"] = "0";
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return (timeoutMs) => {
    let request: Http.ClientRequest | undefined;
    const answer = new Promise<Response>((resolve, reject) => {
      request = send(
        url,
        { method: NORMALISED_METHODS.has(method) ? method : (init?.method ?? "GET"), headers },
        (res: Http.IncomingMessage) => {
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
            try {
              const responseHeaders = new LightHeaders();
              for (let i = 0; i + 1 < res.rawHeaders.length; i += 2)
                responseHeaders.append(res.rawHeaders[i] ?? "", res.rawHeaders[i + 1] ?? "");
              if (status < 200 || status > 599) throw new RangeError(`core answered status ${status}`);
              const bytes = NULL_BODY_STATUSES.has(status) ? Buffer.alloc(0) : Buffer.concat(chunks);
              resolve(
                asFetchResponse(
                  new CoreResponse(status, res.statusMessage ?? "", responseHeaders, url.href, bytes),
                ),
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
    return withDeadline(answer, timeoutMs, () => {
      const timedOut = new CoreTimeoutError(timeoutMs);
      request?.destroy(timedOut);
      return timedOut;
    });
  };
}
