// The seed's Lambda snippet, bundled naively by the bench (default esbuild options + minify) as the
// baseline: supertokens-node's own awsLambda verifySession and a plain Session.init().

import SuperTokens from "supertokens-node";
import type { SessionEvent } from "supertokens-node/lib/build/framework/awsLambda/framework";
import Session from "supertokens-node/recipe/session";
import { verifySession } from "supertokens-node/recipe/session/framework/awsLambda";

SuperTokens.init({
  framework: "awsLambda",
  supertokens: { connectionURI: process.env.SUPERTOKENS_CONNECTION_URI ?? "http://127.0.0.1:3567" },
  appInfo: {
    appName: "seed",
    apiDomain: process.env.API_DOMAIN ?? "http://localhost:3000",
    websiteDomain: process.env.WEBSITE_DOMAIN ?? "http://localhost:3001",
    apiBasePath: "/auth",
  },
  recipeList: [Session.init()],
});

export const handler = verifySession(async (event: SessionEvent) => {
  await event.session?.mergeIntoAccessTokenPayload({ role: "newRole" });
  return { statusCode: 200, body: "" };
});
