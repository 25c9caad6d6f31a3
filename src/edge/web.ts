/** The gate on a web `Request` (Netlify Edge Functions, Deno, the bench): undefined lets it through. */
import { type EdgeAnswer, type EdgeRequest, gateRunner } from "./gate.ts";
import type { GateSettings } from "./settings.ts";

function edgeRequest(request: Request): EdgeRequest {
  const url = new URL(request.url);
  return {
    method: request.method.toUpperCase(),
    path: url.pathname,
    search: url.search,
    header: (name) => request.headers.get(name) ?? undefined,
  };
}

const webResponse = (answer: EdgeAnswer): Response =>
  new Response(answer.body === "" ? null : answer.body, { status: answer.status, headers: answer.headers });

/** A gate for web requests (its own key set copy, kept for the isolate's life; see gateRunner). */
export function webGate(settings: () => GateSettings): (request: Request) => Promise<Response | undefined> {
  const run = gateRunner(settings);
  return async (request) => {
    const answer = await run(edgeRequest(request));
    return answer && webResponse(answer);
  };
}
