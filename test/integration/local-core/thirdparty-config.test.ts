// Per-tenant third-party provider configs through supertokens-node's Multitenancy recipe.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Multitenancy from "supertokens-node/recipe/multitenancy";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalCore } from "../../../local-core/index.ts";
import { initSuperTokens, uniqueAppId, withLocalCore } from "../../helpers/core.ts";

const core = withLocalCore();
const dir = mkdtempSync(join(tmpdir(), "tp-config-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const init = (connectionURI: string) => initSuperTokens({ connectionURI, recipeList: [Multitenancy.init()] });

async function providersOf(tenantId: string) {
  const tenant = await Multitenancy.getTenant(tenantId);
  if (tenant === undefined) throw new Error(`no tenant ${tenantId}`);
  return tenant.thirdParty.providers;
}

beforeEach(async () => {
  init(await core.createApp(uniqueAppId("tp-config")));
  await Multitenancy.createOrUpdateTenant("t1", { firstFactors: ["thirdparty"] });
});

describe("third-party provider config per tenant", () => {
  it("is created, replaced as a whole, listed with the tenant and removed", async () => {
    expect(
      await Multitenancy.createOrUpdateThirdPartyConfig("t1", {
        thirdPartyId: "google",
        clients: [{ clientId: "abcd" }],
      }),
    ).toEqual({ status: "OK", createdNew: true });
    expect(await providersOf("t1")).toEqual([{ thirdPartyId: "google", clients: [{ clientId: "abcd" }] }]);
    expect(await providersOf("public")).toEqual([]);

    expect(
      await Multitenancy.createOrUpdateThirdPartyConfig("t1", {
        thirdPartyId: "google",
        name: "Custom name",
        clients: [{ clientId: "efgh" }],
      }),
    ).toEqual({ status: "OK", createdNew: false });
    await Multitenancy.createOrUpdateThirdPartyConfig("t1", { thirdPartyId: "github", clients: [] });
    expect(await providersOf("t1")).toEqual([
      { thirdPartyId: "google", name: "Custom name", clients: [{ clientId: "efgh" }] },
      { thirdPartyId: "github", clients: [] },
    ]);
    const listed = (await Multitenancy.listAllTenants()).tenants.find((t) => t.tenantId === "t1");
    expect(listed?.thirdParty.providers.map((p) => p.thirdPartyId)).toEqual(["google", "github"]);

    expect(await Multitenancy.deleteThirdPartyConfig("t1", "google")).toEqual({
      status: "OK",
      didConfigExist: true,
    });
    expect(await Multitenancy.deleteThirdPartyConfig("t1", "google")).toEqual({
      status: "OK",
      didConfigExist: false,
    });
    expect((await providersOf("t1")).map((p) => p.thirdPartyId)).toEqual(["github"]);
  });

  it("keeps every field as sent, nulls included", async () => {
    const config = {
      thirdPartyId: "custom",
      clients: [{ clientId: "abcd", scope: ["email"], additionalConfig: { hd: "*" } }],
      authorizationEndpoint: "https://idp.example/auth",
      authorizationEndpointQueryParams: { key1: null, key2: "value" },
      userInfoEndpointHeaders: { key1: null, key2: "value" },
      userInfoMap: { fromUserInfoAPI: { userId: "sub", email: "mail" } },
    };
    await Multitenancy.createOrUpdateThirdPartyConfig("t1", config);
    expect(await providersOf("t1")).toEqual([config]);
  });

  it("refuses invalid configs with a 400 unless validation is skipped, and unknown tenants", async () => {
    const twoClients = { thirdPartyId: "google", clients: [{ clientId: "a" }, { clientId: "b" }] };
    await expect(Multitenancy.createOrUpdateThirdPartyConfig("t1", twoClients)).rejects.toThrow(
      /status code: 400 and message: Invalid third party config: clientType should be specified/,
    );
    await expect(
      Multitenancy.createOrUpdateThirdPartyConfig("t1", {
        thirdPartyId: "google",
        clients: [{ clientId: "" }],
      }),
    ).rejects.toThrow(/status code: 400/);
    await expect(
      Multitenancy.createOrUpdateThirdPartyConfig("t1", { thirdPartyId: " ", clients: [] }),
    ).rejects.toThrow(/status code: 400/);
    expect(await providersOf("t1")).toEqual([]);

    expect((await Multitenancy.createOrUpdateThirdPartyConfig("t1", twoClients, true)).status).toBe("OK");
    await expect(
      Multitenancy.createOrUpdateThirdPartyConfig("nosuchtenant", { thirdPartyId: "google" }),
    ).rejects.toThrow(/status code: 400 and message: AppId or tenantId not found/);
  });

  it("survives a restart through the data file", async () => {
    const file = join(dir, "core.json");
    const first = await startLocalCore({ port: 0, dataFile: file });
    init(first.url);
    await Multitenancy.createOrUpdateTenant("t1", { firstFactors: ["thirdparty"] });
    await Multitenancy.createOrUpdateThirdPartyConfig("t1", {
      thirdPartyId: "google",
      clients: [{ clientId: "x" }],
    });
    await first.close();
    const second = await startLocalCore({ port: first.port, dataFile: file });
    try {
      expect(await providersOf("t1")).toEqual([{ thirdPartyId: "google", clients: [{ clientId: "x" }] }]);
    } finally {
      await second.close();
    }
  });
});
