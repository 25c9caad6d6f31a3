import { sessionInfo } from "../src/handlers/session-info.ts";
import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

export const config: FunctionConfig = { path: "/session", method: "GET" };
export const handler = verifySession(sessionInfo);
export default verifySessionNetlify(sessionInfo);
