// The warm-verify contender that runs the same no-op handler as supertokens-node's own adapter in
// bench/child.mjs, so the comparison measures verification and the wrapper, not what a handler returns.
// Like a user's function that only reads the session: it does not start SuperTokens itself.
import { verifySession } from "../src/session/verify-session.ts";

export const handler = verifySession(({ session }) => ({ statusCode: session ? 200 : 500, body: "" }));
