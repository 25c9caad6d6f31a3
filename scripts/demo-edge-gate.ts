/**
 * The edge gate (src/edge/gate.ts, the code both edges run) in front of the demo server's pages, so
 * `npm start` shows /admin/ gated as Netlify or CloudFront would gate it: the same rules (EDGE_GATE_RULES,
 * default `/admin/=admin`), the same key set (the API's public `/auth/jwt/jwks.json`).
 */
import type { IncomingMessage } from "node:http";
import { type EdgeAnswer, gateRunner, joinedHeader } from "../src/edge/gate.ts";
import { type GateVariable, gateSettings } from "../src/edge/settings.ts";

/** A gate for the demo server: the page's API domain, the rest from the environment. */
export function demoGate(apiDomain: string): (request: IncomingMessage) => Promise<EdgeAnswer | undefined> {
  // A bad setting is logged and answered 500 at the first gated page, as on the edges.
  const run = gateRunner(() =>
    gateSettings((name: GateVariable) => (name === "API_DOMAIN" ? apiDomain : process.env[name])),
  );
  return (request) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? joinedHeader(name, value) : value;
    };
    return run({ method: request.method ?? "GET", path: url.pathname, search: url.search, header });
  };
}
