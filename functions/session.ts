import type { Config as NetlifyConfig } from "@netlify/functions";
import { runtimeConfig } from "../src/config.ts";
import { sessionInfo } from "../src/handlers/session-info.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/session/verify-session.ts";

initSuperTokens(runtimeConfig());

export const config: NetlifyConfig = { path: "/session", method: "GET" };
export const handler = /* @__PURE__ */ verifySession(sessionInfo);
export default /* @__PURE__ */ verifySessionNetlify(sessionInfo);
