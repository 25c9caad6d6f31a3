import type { Config as NetlifyConfig } from "@netlify/functions";
import { updateRole } from "../src/handlers/update-role.ts";
import { ensureSuperTokens } from "../src/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/verify-session.ts";

ensureSuperTokens();

export const config: NetlifyConfig = { path: "/update-role", method: "POST" };
export const handler = /* @__PURE__ */ verifySession(updateRole);
export default /* @__PURE__ */ verifySessionNetlify(updateRole);
