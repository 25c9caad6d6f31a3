import type { SessionContainer } from "supertokens-node/recipe/session";
import { rolesInPayload } from "../roles/in-token.ts";

/** Who am I, as the access token says: no core call. */
export function sessionInfo({ session }: { session: SessionContainer }) {
  const payload = session.getAccessTokenPayload();
  return {
    userId: session.getUserId(),
    sessionHandle: session.getHandle(),
    ...rolesInPayload(payload),
    payload,
  };
}
