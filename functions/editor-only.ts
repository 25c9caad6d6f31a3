import { editorOnly } from "../src/handlers/editor-only.ts";
import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

const options = { requireRoles: ["editor"] };

export const config: FunctionConfig = { path: "/editor-only", method: "GET" };
export const handler = verifySession(editorOnly, options);
export default verifySessionNetlify(editorOnly, options);
