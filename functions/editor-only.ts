import type { Config as NetlifyConfig } from "@netlify/functions";
import { runtimeConfig } from "../src/config.ts";
import { editorOnly } from "../src/handlers/editor-only.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/session/verify-session.ts";

initSuperTokens(runtimeConfig());
const options = { requireRoles: ["editor"] };

export const config: NetlifyConfig = { path: "/editor-only", method: "GET" };
export const handler = /* @__PURE__ */ verifySession(editorOnly, options);
export default /* @__PURE__ */ verifySessionNetlify(editorOnly, options);
