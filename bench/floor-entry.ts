// The floor for a cold start and a warm verify: jose alone, as a Lambda handler for a header-mode
// request (HTTP API payload 2.0). createRemoteJWKSet at module scope (it fetches nothing until the
// first jwtVerify), jwtVerify of the `Authorization: Bearer` token, the subject as JSON. No
// SuperTokens, no anti-CSRF, no claims: what verifying a core-signed access token costs at least.
import { createRemoteJWKSet, jwtVerify } from "jose";

const core = process.env.SUPERTOKENS_CONNECTION_URI ?? "http://127.0.0.1:3567";
const jwks = createRemoteJWKSet(new URL(`${core}/.well-known/jwks.json`));

interface Event {
  headers?: Record<string, string | undefined>;
}

export const handler = async (event: Event) => {
  const authorization = event.headers?.authorization ?? "";
  const token = authorization.startsWith("Bearer ") ? authorization.slice("Bearer ".length) : "";
  try {
    const { payload } = await jwtVerify(token, jwks);
    return {
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userId: payload.sub }),
    };
  } catch {
    return { statusCode: 401, body: "" };
  }
};
