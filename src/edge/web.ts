/** The gate on a web `Request` (Netlify Edge Functions, Deno, the bench): undefined lets it through. */
import { type EdgeAnswer, type EdgeRequest, gate } from "./gate.ts";
import { KeySet } from "./key-set.ts";
import type { GateSettings } from "./settings.ts";

export function edgeRequest(request: Request): EdgeRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    search: url.search,
    header: (name) => request.headers.get(name) ?? undefined,
  };
}

export const webResponse = (answer: EdgeAnswer): Response =>
  new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers });

/** What a gate that cannot run answers: never the origin's page. */
export const gateFailure = (): EdgeAnswer => ({
  status: 500,
  headers: { "cache-control": "no-store, private", "content-type": "application/json; charset=utf-8" },
  body: JSON.stringify({ message: "edge gate failed" }),
});

/**
 * A gate for web requests with its own key set copy (kept for the isolate's life). `settings` is called
 * once, at the first request; a bad setting is logged and every gated request then answers 500.
 */
export function webGate(settings: () => GateSettings): (request: Request) => Promise<Response | undefined> {
  let ready: { settings: GateSettings; keys: KeySet } | undefined;
  return async (request) => {
    try {
      if (!ready) {
        const loaded = settings();
        ready = { settings: loaded, keys: new KeySet(loaded.keySetUrl) };
      }
      const answer = await gate(edgeRequest(request), ready.settings, ready.keys);
      return answer && webResponse(answer);
    } catch (error) {
      console.error(`edge gate: ${(error as Error)?.message ?? error}`);
      return webResponse(gateFailure());
    }
  };
}
