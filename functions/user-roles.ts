import type { Config as NetlifyConfig } from "@netlify/functions";
import { runtimeConfig } from "../src/config.ts";
import { userRoles } from "../src/handlers/user-roles.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { verifySession, verifySessionNetlify } from "../src/session/verify-session.ts";

// Admin rights are checked against the core on every call, never read from a possibly stale token.
const options = { requireRoles: [initSuperTokens(runtimeConfig()).adminRole] };

export const config: NetlifyConfig = { path: "/users/*" };
export const handler = /* @__PURE__ */ verifySession(userRoles, options);
export default /* @__PURE__ */ verifySessionNetlify(userRoles, options);
