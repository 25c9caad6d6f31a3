/**
 * The edge gate (src/edge/gate.ts, the code both edges run) in front of the demo server's pages, so
 * `npm start` shows /admin/ gated as Netlify or CloudFront would gate it: the same rules (EDGE_GATE_RULES,
 * default `/admin/=admin`), the same key set (the API's public `/auth/jwt/jwks.json`).
 */
import type { IncomingMessage } from "node:http";
import { type EdgeAnswer, gate } from "../src/edge/gate.ts";
import { KeySet } from "../src/edge/key-set.ts";
import { type GateVariable, gateSettings } from "../src/edge/settings.ts";
import { gateFailure } from "../src/edge/web.ts";

/** A gate for the demo server: the page's API domain, the rest from the environment. */
export function demoGate(apiDomain: string): (request: IncomingMessage) => Promise<EdgeAnswer | undefined> {
  const settings = gateSettings((name: GateVariable) =>
    name === "API_DOMAIN" ? apiDomain : process.env[name],
  );
  const keys = new KeySet(settings.keySetUrl);
  return async (request) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value.join(name === "cookie" ? "; " : ", ") : value;
    };
    try {
      return await gate(
        { method: request.method ?? "GET", path: url.pathname, search: url.search, header },
        settings,
        keys,
      );
    } catch (error) {
      console.error(`edge gate: ${(error as Error)?.message ?? error}`);
      return gateFailure();
    }
  };
}
