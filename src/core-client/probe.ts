import type { Config } from "../config.ts";
import type { HttpRequest } from "../http/model.ts";
import { CoreUnavailableError } from "./outage.ts";

function accessTokenOf(request: HttpRequest): string | undefined {
  const bearer = request.headers.get("authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return bearer ?? request.cookies.sAccessToken;
}

function unexpiredJwt(token: string): boolean {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof payload?.exp === "number" && payload.exp * 1000 > Date.now();
  } catch {
    return false;
  }
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

async function probeCore(config: Config): Promise<CoreUnavailableError | undefined> {
  const where = { coreUrl: config.connectionUri, corePath: "/.well-known/jwks.json" };
  const url = `${where.coreUrl}${where.corePath}`;
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    if (response.ok) return undefined;
    const detail = `core answered ${response.status} to the JWKS request`;
    const reason = response.status === 401 ? "invalid-api-key" : "malformed-answer";
    return new CoreUnavailableError(new Error(detail), { reason, detail, ...where });
  } catch (error) {
    return error instanceof CoreUnavailableError ? error : new CoreUnavailableError(error, where);
  }
}
