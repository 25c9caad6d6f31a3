// Run by Deno for bench/edge.ts: one cold start of one contender, then its warm verifies. Prints one JSON line.
// argv: <bundle.mjs> <input.json: { kind: "gate" | "floor", apiDomain, token, tokens, warmTokens, warm }>
import process from "node:process";

const [bundlePath, inputPath] = Deno.args;
const { kind, apiDomain, token, tokens, warmTokens, warm } = JSON.parse(await Deno.readTextFile(inputPath));
const started = performance.now();
const cpuStart = process.cpuUsage();
const request = (bearer = token) =>
  new Request("https://site.example/admin/", {
    headers: { authorization: `Bearer ${bearer}`, accept: "application/json" },
  });

globalThis.Netlify = { env: { get: (name) => (name === "API_DOMAIN" ? apiDomain : undefined) } };
const module = await import(new URL(bundlePath, `file://${Deno.cwd()}/`).href);
const imported = performance.now();

let answer;
if (kind === "gate") {
  // The Netlify edge function as deployed: undefined lets the request through.
  answer = async (bearer) => (await module.default(request(bearer), {})) === undefined;
} else {
  // The floor: jose's remote key set and jwtVerify, the role read from st-role, nothing else.
  const keys = module.createRemoteJWKSet(new URL(`${apiDomain}/auth/jwt/jwks.json`));
  answer = async (bearer) => {
    const sent =
      request(bearer)
        .headers.get("authorization")
        ?.replace(/^Bearer /, "") ?? "";
    const { payload } = await module.jwtVerify(sent, keys, { algorithms: ["RS256"] });
    return Array.isArray(payload["st-role"]?.v) && payload["st-role"].v.includes("admin");
  };
}
if (!(await answer())) throw new Error(`${kind}: the admin token was refused`);
const firstAnswer = performance.now();
const cpuCold = process.cpuUsage(cpuStart);

const cpuWarmStart = process.cpuUsage();
const warmStart = performance.now();
for (let i = 0; i < warm; i += 1) if (!(await answer())) throw new Error(`${kind}: refused when warm`);
const warmMs = (performance.now() - warmStart) / warm;
const cpuWarm = process.cpuUsage(cpuWarmStart);

// Each request a token not seen before (other sessions of the same key): no cache can answer. A first pass,
// not measured, runs that path as often as the floor's same-token loop already has (ours' skipped the RSA check).
for (const other of warmTokens)
  if (!(await answer(other))) throw new Error(`${kind}: refused a warm-up token`);
const distinctStart = performance.now();
for (const other of tokens) if (!(await answer(other))) throw new Error(`${kind}: refused another token`);
const distinctMs = (performance.now() - distinctStart) / tokens.length;

console.log(
  JSON.stringify({
    importMs: imported - started,
    coldMs: firstAnswer - started,
    coldCpuMs: (cpuCold.user + cpuCold.system) / 1000,
    warmMs,
    distinctMs,
    warmCpuMs: (cpuWarm.user + cpuWarm.system) / 1000 / warm,
  }),
);
