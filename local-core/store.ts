// In-memory state of all apps, with optional persistence through FilePersister.
import { type CoreConfig, type CoreConfigInput, resolveConfig } from "./config.ts";
import { newSigningKey, rotateDynamicKey } from "./keys.ts";
import type { FilePersister } from "./persistence.ts";
import type { AppState, CoreState, TenantRow } from "./state.ts";

export const BASE_APP = "public";

export const newTenant = (tenantId: string): TenantRow => ({
  tenantId,
  coreConfig: {},
  firstFactors: null,
  requiredSecondaryFactors: null,
  thirdPartyProviders: [],
});

async function newApp(appId: string, config: CoreConfigInput): Promise<AppState> {
  const resolved = resolveConfig(config);
  const now = Date.now();
  const staticKey = await newSigningKey("s", now, null);
  const app: AppState = {
    appId,
    config,
    tenants: new Map([["public", newTenant("public")]]),
    dynamicKeys: [],
    staticKey,
    sessions: new Map(),
    refreshTokens: new Map(),
    users: new Map(),
    emailIndex: new Map(),
    roles: new Map(),
    userRoles: new Map(),
    metadata: new Map(),
    verifiedEmails: new Set(),
    resetTokens: new Map(),
    emailVerificationTokens: new Map(),
    passwordlessDevices: new Map(),
  };
  await rotateDynamicKey(app, resolved);
  return app;
}

export class Store {
  private readonly configs = new WeakMap<AppState, { raw: CoreConfigInput; resolved: CoreConfig }>();
  persister: FilePersister | undefined;
  /** Called with every app before it joins the state (the journal tracks its tables). */
  adoptApp: ((appId: string, app: AppState) => void) | undefined;
  /** Bumped by every change, so the server can tell whether a request changed anything. */
  version = 0;

  constructor(readonly state: CoreState) {}

  static async create(existing: CoreState | undefined, baseConfig: CoreConfigInput): Promise<Store> {
    const store = new Store(existing ?? { format: 1, apps: new Map() });
    const base = store.state.apps.get(BASE_APP);
    if (base === undefined) {
      store.state.apps.set(BASE_APP, await newApp(BASE_APP, baseConfig));
    } else {
      // Command-line config wins for the base app so `--api-key` etc. apply on restart too.
      base.config = { ...base.config, ...baseConfig };
    }
    return store;
  }

  app(appId: string): AppState | undefined {
    return this.state.apps.get(appId);
  }

  config(app: AppState): CoreConfig {
    const cached = this.configs.get(app);
    if (cached !== undefined && cached.raw === app.config) return cached.resolved;
    const resolved = resolveConfig(app.config);
    this.configs.set(app, { raw: app.config, resolved });
    return resolved;
  }

  /** API keys that guard `app`: its own `api_keys`, else the base app's (as apps inherit the core's config). */
  apiKeys(app: AppState | undefined): string[] {
    const own = app === undefined ? [] : this.config(app).apiKeys;
    if (own.length > 0) return own;
    const base = this.app(BASE_APP);
    return base === undefined ? [] : this.config(base).apiKeys;
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
    this.adoptApp?.(appId, app);
    this.state.apps.set(appId, app);
    this.changed();
    return true;
  }

  removeApp(appId: string): boolean {
    if (!this.state.apps.delete(appId)) return false;
    this.changed();
    return true;
  }

  changed(): void {
    this.version += 1;
    this.persister?.schedule();
  }

  /** Resolves once every change so far is on disk (at once without a data file); rejects if saving failed. */
  commit(): Promise<void> {
    return this.persister?.commit() ?? Promise.resolve();
  }
}
