// Runs one request through one built bundle in a fresh process (each bundle carries its own
// supertokens-node singleton). Usage: node invoke-bundle.mjs <bundle.mjs>; stdin is
//   { "kind": "lambda", "event": {...} }   → stdout { "result": <Lambda result> } or { "error": <message> }
//   { "kind": "netlify", "request": { url, method, headers, body } }
//                                          → stdout { "response": { status, headers, setCookies, body }, "config": ... }
//   { "kind": "exports" }                  → stdout { "exports": [names the module exports] }
// Several requests may be sent as a JSON array; they run in order in the same process.
import { pathToFileURL } from "node:url";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const calls = Array.isArray(input) ? input : [input];
const bundle = await import(pathToFileURL(process.argv[2]).href);

const outputs = [];
for (const call of calls) {
  if (call.kind === "exports") {
    outputs.push({ exports: Object.keys(bundle).sort() });
  } else if (call.kind === "lambda") {
    // An authorizer answers 401 by throwing "Unauthorized": report a throw as data, not a crash.
    try {
      outputs.push({ result: await bundle.handler(call.event, {}) });
    } catch (error) {
      outputs.push({ error: error instanceof Error ? error.message : String(error) });
    }
  } else {
    const { url, method = "GET", headers = {}, body } = call.request;
    const response = await bundle.default(new Request(url, { method, headers, body }), {});
    outputs.push({
      response: {
        status: response.status,
        headers: Object.fromEntries(response.headers),
        setCookies: response.headers.getSetCookie(),
        body: await response.text(),
      },
      config: bundle.config,
    });
  }
}
process.stdout.write(JSON.stringify(Array.isArray(input) ? outputs : outputs[0]));
