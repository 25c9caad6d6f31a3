import type { Config as NetlifyConfig } from "@netlify/functions";
import { runtimeConfig } from "../src/config.ts";
import { updateRole } from "../src/handlers/update-role.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/session/verify-session.ts";

initSuperTokens(runtimeConfig());

export const config: NetlifyConfig = { path: "/update-role", method: "POST" };
export const handler = /* @__PURE__ */ verifySession(updateRole);
export default /* @__PURE__ */ verifySessionNetlify(updateRole);
