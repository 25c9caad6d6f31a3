import { updateRole } from "../src/handlers/update-role.ts";
import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

export const config: FunctionConfig = { path: "/update-role", method: "POST" };
// It changes the token: POST only, so the anti-CSRF proof is always asked for (a GET is a 405).
const options = { methods: ["POST"] };

export const handler = verifySession(updateRole, options);
export default verifySessionNetlify(updateRole, options);
