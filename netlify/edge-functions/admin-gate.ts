/**
 * Netlify Edge Function: pages and APIs under /admin/ need a SuperTokens session holding the role `admin`
 * (EDGE_GATE_RULES changes the rules; see "Gate pages at the edge" in the README). Runs in Deno, before
 * the CDN: no function and no origin is reached by a request it refuses.
 */
import { type GateVariable, gateSettings } from "../../src/edge/settings.ts";
import { webGate } from "../../src/edge/web.ts";

declare const Netlify: { env: { get(name: string): string | undefined } };

const run = webGate(() => gateSettings((name: GateVariable) => Netlify.env.get(name)));

export default (request: Request, _context: unknown): Promise<Response | undefined> => run(request);

/**
 * Every path: the gate's rules decide (a path it need not gate passes at once). A narrower path would be
 * matched by Netlify as written, so `/ADMIN/` or `/%61dmin/` would never meet the gate.
 */
export const config = { path: "/*" };
