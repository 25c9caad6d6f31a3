import type { Config as NetlifyConfig } from "@netlify/functions";
import { userRoles } from "../src/handlers/user-roles.ts";
import { ensureSuperTokens } from "../src/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/verify-session.ts";

// Admin rights are checked against the core on every call, never read from a possibly stale token.
const options = { requireRoles: [ensureSuperTokens().adminRole] };

export const config: NetlifyConfig = { path: "/users/*" };
export const handler = /* @__PURE__ */ verifySession(userRoles, options);
export default /* @__PURE__ */ verifySessionNetlify(userRoles, options);
