import { describe, expect, it } from "vitest";
import { deserializeState, serializeState } from "../../../local-core/snapshot.ts";
import { newTenant } from "../../../local-core/store.ts";

describe("the data file format", () => {
  it("round-trips ids named like built-ins as ordinary keys", () => {
    const text = JSON.stringify({
      format: 1,
      apps: {
        public: {
          appId: "public",
          config: {},
          tenants: { public: newTenant("public") },
          dynamicKeys: [],
          staticKey: { kid: "s-1", privateJwk: {}, createdAt: 0, expiresAt: null },
          sessions: {},
          refreshTokens: {},
          users: {},
          emailIndex: { public: { "a@example.com": "constructor" } },
          roles: { admin: [] },
          // JSON.parse makes `__proto__` an own key, as in a data file (an object literal would not).
          userRoles: JSON.parse('{"public":{"__proto__":["admin"],"constructor":["admin"]}}'),
          metadata: JSON.parse('{"__proto__":{"plan":"enterprise"},"toString":{"x":1}}'),
          verifiedEmails: ["constructor\u0000a@example.com"],
          resetTokens: {},
          emailVerificationTokens: {},
          passwordlessDevices: {},
        },
      },
    });
    const state = deserializeState(text);
    const app = state.apps.get("public");
    expect(app?.userRoles.get("public")?.get("__proto__")).toEqual(["admin"]);
    expect(app?.userRoles.get("public")?.get("constructor")).toEqual(["admin"]);
    expect(app?.metadata.get("__proto__")).toEqual({ plan: "enterprise" });
    expect(app?.metadata.get("hasOwnProperty")).toBeUndefined();
    expect(app?.verifiedEmails.has("constructor\u0000a@example.com")).toBe(true);
    expect(deserializeState(serializeState(state))).toEqual(state);
    expect(serializeState(state)).toContain('"__proto__":{"plan":"enterprise"}');
  });

  it("loads files written before passwordless and tenant provider configs existed", () => {
    const state = deserializeState(
      JSON.stringify({
        format: 1,
        apps: { public: { appId: "public", tenants: { public: { tenantId: "public" } } } },
      }),
    );
    const app = state.apps.get("public");
    expect(app?.passwordlessDevices.size).toBe(0);
    expect(app?.tenants.get("public")?.thirdPartyProviders).toEqual([]);
  });

  it("refuses anything else", () => {
    expect(() => deserializeState('{"format":2,"apps":{}}')).toThrow();
    expect(() => deserializeState("[]")).toThrow();
  });
});
