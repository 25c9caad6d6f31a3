import type { Config as NetlifyConfig } from "@netlify/functions";
import { sessionInfo } from "../src/handlers/session-info.ts";
import { ensureSuperTokens } from "../src/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/verify-session.ts";

ensureSuperTokens();

export const config: NetlifyConfig = { path: "/session", method: "GET" };
export const handler = /* @__PURE__ */ verifySession(sessionInfo);
export default /* @__PURE__ */ verifySessionNetlify(sessionInfo);
