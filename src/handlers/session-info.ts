import type { SessionContainer } from "supertokens-node/recipe/session";
import type { Config } from "../config/core.ts";
import { rolesOfSession } from "../roles/in-token.ts";

/**
 * Claims of SuperTokens' refresh and anti-CSRF protocol: of no use to the page, and an anti-CSRF
 * token in a readable body defeats its purpose. The handle is answered once, as `sessionHandle`.
 */
const INTERNAL_CLAIMS = new Set([
  "antiCsrfToken",
  "refreshTokenHash1",
  "parentRefreshTokenHash1",
  "sessionHandle",
]);

/**
 * Who am I: from the access token alone (no core call), or from the core when the token says a list
 * was left out to fit its size budget (`compacted`).
 */
export async function sessionInfo({ session, config }: { session: SessionContainer; config: Config }) {
  const payload = Object.fromEntries(
    Object.entries(session.getAccessTokenPayload()).filter(([claim]) => !INTERNAL_CLAIMS.has(claim)),
  );
  return {
    userId: session.getUserId(),
    sessionHandle: session.getHandle(),
    ...(await rolesOfSession(session, config)),
    payload,
  };
}
