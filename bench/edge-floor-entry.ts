// The floor of bench/edge.ts: jose's browser build (the one an edge runtime would load), taken from
// node_modules by path, bundled like our gate. Only what the floor uses.
// @ts-expect-error jose's browser build has no types of its own at this path
export { createRemoteJWKSet, jwtVerify } from "../node_modules/jose/dist/browser/index.js";
