// In-memory state of all apps, with optional persistence through FilePersister.
import { type CoreConfig, type CoreConfigInput, resolveConfig } from "./config.ts";
import { newSigningKey, rotateDynamicKey } from "./keys.ts";
import type { FilePersister } from "./persistence.ts";
import type { AppState, CoreState } from "./state.ts";

export const BASE_APP = "public";

async function newApp(appId: string, config: CoreConfigInput): Promise<AppState> {
  const resolved = resolveConfig(config);
  const now = Date.now();
  const staticKey = await newSigningKey("s", now, null);
  const app: AppState = {
    appId,
    config,
    tenants: {
      public: { tenantId: "public", coreConfig: {}, firstFactors: null, requiredSecondaryFactors: null },
    },
    dynamicKeys: [],
    staticKey,
    sessions: {},
    refreshTokens: {},
    users: {},
    emailIndex: {},
    roles: {},
    userRoles: {},
    metadata: {},
    verifiedEmails: [],
    resetTokens: {},
    emailVerificationTokens: {},
    passwordlessDevices: {},
  };
  await rotateDynamicKey(app, resolved);
  return app;
}

export class Store {
  private readonly configs = new WeakMap<AppState, { raw: CoreConfigInput; resolved: CoreConfig }>();
  persister: FilePersister | undefined;

  constructor(readonly state: CoreState) {}

  static async create(existing: CoreState | undefined, baseConfig: CoreConfigInput): Promise<Store> {
    const store = new Store(existing ?? { format: 1, apps: {} });
    // Data files written before passwordless existed lack its table.
    for (const app of Object.values(store.state.apps)) app.passwordlessDevices ??= {};
    if (store.state.apps[BASE_APP] === undefined) {
      store.state.apps[BASE_APP] = await newApp(BASE_APP, baseConfig);
    } else {
      // Command-line config wins for the base app so `--api-key` etc. apply on restart too.
      const base = store.state.apps[BASE_APP];
      base.config = { ...base.config, ...baseConfig };
    }
    return store;
  }

  app(appId: string): AppState | undefined {
    return Object.hasOwn(this.state.apps, appId) ? this.state.apps[appId] : undefined;
  }

  config(app: AppState): CoreConfig {
    const cached = this.configs.get(app);
    if (cached !== undefined && cached.raw === app.config) return cached.resolved;
    const resolved = resolveConfig(app.config);
    this.configs.set(app, { raw: app.config, resolved });
    return resolved;
  }

  /** Creates the app, or updates its config; returns whether it was new. */
  async putApp(appId: string, config: CoreConfigInput): Promise<boolean> {
    resolveConfig(config);
    const existing = this.app(appId);
    if (existing !== undefined) {
      existing.config = { ...existing.config, ...config };
      this.changed();
      return false;
    }
    const app = await newApp(appId, config);
    // A concurrent create may have won while the keys were generated.
    if (this.app(appId) !== undefined) return false;
    this.state.apps[appId] = app;
    this.changed();
    return true;
  }

  removeApp(appId: string): boolean {
    if (this.app(appId) === undefined) return false;
    delete this.state.apps[appId];
    this.changed();
    return true;
  }

  changed(): void {
    this.persister?.schedule();
  }
}
