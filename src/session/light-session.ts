import type { RecipeUserId } from "supertokens-node";
import type { SessionClaimValidator, SessionContainer } from "supertokens-node/recipe/session";
import type { JSONObject } from "supertokens-node/types";
import type { QuickToken } from "./quick-verify.ts";

type UserContext = Record<string, unknown> | undefined;
/** supertokens-node's SessionClaim, as its Session methods take it (not exported by name). */
type SessionClaim<T> = Parameters<SessionContainer["setClaimValue"]>[0] & {
  getValueFromPayload(payload: unknown, userContext: never): T | undefined;
};

/**
 * The session the quick path verified, answering from its token what supertokens-node's Session
 * answers from it (ids, handle, payload, tokens). Anything that writes or reads the core (merge,
 * revoke, claims, session data, expiry) first becomes supertokens-node's own Session — `upgrade`
 * loads supertokens-node and runs getSession on the same request — and from then on every call,
 * the getters included, is that session's.
 */
export class LightSession implements SessionContainer {
  private full: SessionContainer | undefined;
  private upgrading: Promise<SessionContainer> | undefined;

  constructor(
    private readonly token: QuickToken,
    private readonly upgrade: () => Promise<SessionContainer>,
  ) {}

  /** supertokens-node's Session for this request, made once. */
  private async real(): Promise<SessionContainer> {
    if (this.full) return this.full;
    this.upgrading ??= this.upgrade().then((session) => {
      this.full = session;
      return session;
    });
    return this.upgrading;
  }

  getUserId(userContext?: UserContext): string {
    return this.full ? this.full.getUserId(userContext) : (this.token.payload.sub as string);
  }

  getRecipeUserId(userContext?: UserContext): RecipeUserId {
    if (this.full) return this.full.getRecipeUserId(userContext);
    const id = this.token.payload.rsub as string;
    // supertokens-node's RecipeUserId is this: an id behind `getAsString`.
    return { getAsString: () => id } as unknown as RecipeUserId;
  }

  getTenantId(userContext?: UserContext): string {
    return this.full ? this.full.getTenantId(userContext) : (this.token.payload.tId as string);
  }

  getAccessTokenPayload(userContext?: UserContext): Record<string, unknown> {
    return this.full ? this.full.getAccessTokenPayload(userContext) : this.token.payload;
  }

  getHandle(userContext?: UserContext): string {
    return this.full ? this.full.getHandle(userContext) : (this.token.payload.sessionHandle as string);
  }

  getAccessToken(userContext?: UserContext): string {
    return this.full ? this.full.getAccessToken(userContext) : this.token.accessToken;
  }

  getAllSessionTokensDangerously() {
    if (this.full) return this.full.getAllSessionTokensDangerously();
    const { payload } = this.token;
    const front = { uid: payload.sub, ate: (payload.exp as number) * 1000, up: payload };
    return {
      accessToken: this.token.accessToken,
      accessAndFrontTokenUpdated: false,
      refreshToken: undefined,
      frontToken: Buffer.from(JSON.stringify(front)).toString("base64"),
      antiCsrfToken: this.token.antiCsrfToken,
    };
  }

  async getClaimValue<T>(claim: SessionClaim<T>, userContext?: UserContext): Promise<T | undefined> {
    if (this.full) return (await this.full.getClaimValue(claim, userContext)) as T | undefined;
    return claim.getValueFromPayload(this.token.payload, (userContext ?? {}) as never) as T | undefined;
  }

  /** Nothing to attach: like supertokens-node's Session, only an updated token writes to the response. */
  attachToRequestResponse(): void {}

  async revokeSession(userContext?: UserContext): Promise<void> {
    return (await this.real()).revokeSession(userContext);
  }

  async getSessionDataFromDatabase(userContext?: UserContext): Promise<unknown> {
    return (await this.real()).getSessionDataFromDatabase(userContext);
  }

  async updateSessionDataInDatabase(data: unknown, userContext?: UserContext): Promise<unknown> {
    return (await this.real()).updateSessionDataInDatabase(data, userContext);
  }

  async mergeIntoAccessTokenPayload(update: JSONObject, userContext?: UserContext): Promise<void> {
    return (await this.real()).mergeIntoAccessTokenPayload(update, userContext);
  }

  async getTimeCreated(userContext?: UserContext): Promise<number> {
    return (await this.real()).getTimeCreated(userContext);
  }

  async getExpiry(userContext?: UserContext): Promise<number> {
    return (await this.real()).getExpiry(userContext);
  }

  async assertClaims(validators: SessionClaimValidator[], userContext?: UserContext): Promise<void> {
    return (await this.real()).assertClaims(validators, userContext);
  }

  async fetchAndSetClaim<T>(claim: SessionClaim<T>, userContext?: UserContext): Promise<void> {
    return (await this.real()).fetchAndSetClaim(claim, userContext);
  }

  async setClaimValue<T>(claim: SessionClaim<T>, value: T, userContext?: UserContext): Promise<void> {
    return (await this.real()).setClaimValue(claim, value, userContext);
  }

  async removeClaim(claim: SessionClaim<unknown>, userContext?: UserContext): Promise<void> {
    return (await this.real()).removeClaim(claim, userContext);
  }
}
