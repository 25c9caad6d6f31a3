import type { SessionContainer } from "supertokens-node/recipe/session";

/** A function only editors may call; the role is checked against the core by verifySession. */
export function editorOnly({ session }: { session: SessionContainer }) {
  return { message: "hello, editor", userId: session.getUserId() };
}
