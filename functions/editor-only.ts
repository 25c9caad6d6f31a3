import type { Config as NetlifyConfig } from "@netlify/functions";
import { editorOnly } from "../src/handlers/editor-only.ts";
import { ensureSuperTokens } from "../src/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/verify-session.ts";

ensureSuperTokens();
const options = { requireRoles: ["editor"] };

export const config: NetlifyConfig = { path: "/editor-only", method: "GET" };
export const handler = /* @__PURE__ */ verifySession(editorOnly, options);
export default /* @__PURE__ */ verifySessionNetlify(editorOnly, options);
