import { withEmailVerification } from "../src/email/require-verified.ts";
import { editorOnly } from "../src/handlers/editor-only.ts";
import { type FunctionConfig, verifySession, verifySessionNetlify } from "../src/index.ts";

// The editor role, and a verified email when EMAIL_VERIFICATION=required (both 403 invalid claim).
const options = withEmailVerification({ requireRoles: ["editor"] });

export const config: FunctionConfig = { path: "/editor-only", method: "GET" };
export const handler = verifySession(editorOnly, options);
export default verifySessionNetlify(editorOnly, options);
