// The warm-verify contender that runs the same no-op handler as supertokens-node's own adapter in
// bench/child.mjs, so the comparison measures verification and the wrapper, not what a handler returns.
import { ensureSuperTokens } from "../src/supertokens.ts";
import { verifySession } from "../src/verify-session.ts";

ensureSuperTokens();

export const handler = verifySession(({ session }) => ({ statusCode: session ? 200 : 500, body: "" }));
