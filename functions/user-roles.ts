import { userRoles } from "../src/handlers/user-roles.ts";
import { type FunctionConfig, runtimeConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

// Admin rights are checked against the core on every call, never read from a possibly stale token.
const options = { requireRoles: [runtimeConfig().adminRole] };

export const config: FunctionConfig = { path: "/users/*" };
export const handler = verifySession(userRoles, options);
export default verifySessionNetlify(userRoles, options);
