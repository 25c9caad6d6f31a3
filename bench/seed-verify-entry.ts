// The seed's Lambda snippet without the payload merge, bundled naively like seed-entry.ts: only
// supertokens-node's own awsLambda verifySession around a no-op handler, so its first and second
// answers compare with our verify-only functions (`session`) and the jose floor.

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

export const handler = verifySession(async (event: SessionEvent) => ({
  statusCode: event.session ? 200 : 500,
  body: "",
}));
