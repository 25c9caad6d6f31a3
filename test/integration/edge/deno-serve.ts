// Run by Deno (test/integration/edge/netlify-deno.test.ts): serves the Netlify edge function on a free
// port of 127.0.0.1, as Netlify would call it. `Netlify.env.get` reads Deno's environment; a request the
// function lets through reaches a stand-in origin that echoes what it received, to show it is unchanged.
import edge, { config } from "../../../netlify/edge-functions/admin-gate.ts";

declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (request: Request) => Promise<Response>,
  ): unknown;
};

(globalThis as { Netlify?: unknown }).Netlify = { env: { get: (name: string) => Deno.env.get(name) } };

async function origin(request: Request): Promise<Response> {
  const body = JSON.stringify({
    origin: true,
    method: request.method,
    url: new URL(request.url).pathname + new URL(request.url).search,
    headers: Object.fromEntries(request.headers),
    body: await request.text(),
  });
  return new Response(body, { headers: { "content-type": "application/json" } });
}

Deno.serve(
  { hostname: "127.0.0.1", port: 0, onListen: ({ port }) => console.log(JSON.stringify({ port, config })) },
  async (request) => {
    const context = { next: () => origin(request) };
    return (await edge(request, context)) ?? origin(request);
  },
);
