// The warm-verify contender that runs the same no-op handler as supertokens-node's own adapter in
// bench/child.mjs, so the comparison measures verification and the wrapper, not what a handler returns.
import { runtimeConfig } from "../src/config.ts";
import { initSuperTokens } from "../src/session/supertokens.ts";
import { verifySession } from "../src/session/verify-session.ts";

initSuperTokens(runtimeConfig());

export const handler = verifySession(({ session }) => ({ statusCode: session ? 200 : 500, body: "" }));
