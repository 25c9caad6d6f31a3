import type { Config } from "../config/core.ts";
import { bearerToken, unverifiedPayload } from "../edge/base64url.ts";
import type { HttpRequest } from "../http/model.ts";
import { CoreUnavailableError } from "./outage.ts";
import { fetchSigningKeys } from "./signing-keys.ts";

function accessTokenOf(request: HttpRequest): string | undefined {
  const bearer = bearerToken(request.headers.get("authorization"));
  return bearer ?? request.cookies.sAccessToken;
}

function unexpiredJwt(token: string): boolean {
  const exp = unverifiedPayload(token)?.exp;
  return typeof exp === "number" && exp * 1000 > Date.now();
}

/**
 * supertokens-node answers "try refresh token" whenever verification fails, also when the JWKS
 * could not be fetched. An unexpired token that failed while the core is unreachable is a 503,
 * not a reason for the client to refresh (which would fail too): this says why the core is
 * unreachable, or undefined when it answers (or the token would not verify anyway).
 */
export async function coreUnreachable(
  config: Config,
  request: HttpRequest,
): Promise<CoreUnavailableError | undefined> {
  const token = accessTokenOf(request);
  if (!token || !unexpiredJwt(token)) return undefined;
  // One probe per second at most, shared: forged tokens with a future `exp` are free to make, and
  // must not turn into one core request each.
  const now = Date.now();
  if (!lastProbe || now - lastProbe.at > PROBE_TTL_MS) lastProbe = { at: now, result: probeCore(config) };
  return lastProbe.result;
}

const PROBE_TTL_MS = 1000;
let lastProbe: { at: number; result: Promise<CoreUnavailableError | undefined> } | undefined;

/** The core's keys fetched now (which refreshes the quick path's copy too): undefined when they came. */
function probeCore(config: Config): Promise<CoreUnavailableError | undefined> {
  return fetchSigningKeys(config.connectionUri, config.coreTimeoutMs).then(
    () => undefined,
    (error: unknown) => (error instanceof CoreUnavailableError ? error : new CoreUnavailableError(error)),
  );
}
