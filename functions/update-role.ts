import { updateRole } from "../src/handlers/update-role.ts";
import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

export const config: FunctionConfig = { path: "/update-role", method: "POST" };
export const handler = verifySession(updateRole);
export default verifySessionNetlify(updateRole);
