// Programmatic entry: start a SuperTokens-core-compatible server (CDI 5.4) in this process.
import type { Server } from "node:http";
import type { CoreConfigInput } from "./config.ts";
import { Journal } from "./journal.ts";
import { rotateDynamicKey } from "./keys.ts";
import { originList } from "./origin.ts";
import { FilePersister, loadState, prepareDataDirectory, writeAtomically } from "./persistence.ts";
import { createRouter } from "./routes.ts";
import {
  type ConnectionLimits,
  createCoreServer,
  DEFAULT_LIMITS,
  type Fault,
  type LoggedRequest,
  listen,
  type ServerControls,
  stopListening,
} from "./server.ts";
import { BASE_APP, Store } from "./store.ts";

export type { Fault, LoggedRequest } from "./server.ts";

export interface LocalCoreOptions {
  /** 0 picks a free port. Default 3567. */
  port?: number;
  host?: string;
  /** API key demanded for every app (same as `api_keys` in `config`); an app with its own `api_keys` uses those. */
  apiKey?: string;
  /**
   * Persist all state in this JSON file (its directory is created if missing); state survives restarts.
   * Changes are appended to `<file>.log` and folded into the file when the log grows, at start and at close.
   */
  dataFile?: string;
  /**
   * Core config of the base app, with the real core's keys and units (e.g. `access_token_validity` in s).
   * `allow_origins` (comma-separated) is read like `allowOrigins` and not stored.
   */
  config?: CoreConfigInput;
  /**
   * Origins (e.g. `http://localhost:3000`, or `*`) whose browser requests are served, with CORS headers.
   * Any other request that carries an `Origin` header is refused with a 403. Default: none.
   */
  allowOrigins?: string[];
  /**
   * `Host` names served besides localhost, 127.0.0.1 and [::1] with the core's port (DNS rebinding: a page
   * whose name re-resolves to this machine must not reach the core). `*` serves any. The address given as
   * `host`, unless a wildcard, is served too.
   */
  allowedHosts?: string[];
  /**
   * Connection limits: headers within `headersTimeoutMs` (default 10 s), the whole request within
   * `requestTimeoutMs` (default 30 s; else a 408 and the connection is closed), at most `maxConnections`
   * connections at once (default 1024; more are dropped).
   */
  limits?: Partial<ConnectionLimits>;
  /** Delay every answer by this many ms. */
  delayMs?: number;
}

export interface LocalCore {
  /** Base URL, e.g. `http://127.0.0.1:3567`; use as `connectionURI`. */
  readonly url: string;
  readonly port: number;
  /** Requests answered so far (not reset by `clearRequests`). */
  readonly requestCount: number;
  /** Method, path and status of each request since the last `clearRequests()`. */
  readonly requests: readonly LoggedRequest[];
  clearRequests(): void;
  /** Adds a new dynamic signing key now; tokens signed with older keys keep verifying while they are valid. */
  rotateSigningKeys(appId?: string): Promise<void>;
  /** Creates an app like `PUT /recipe/multitenancy/app/v2` and returns its connectionURI. */
  createApp(appId: string, coreConfig?: CoreConfigInput): Promise<string>;
  setDelay(ms: number): void;
  /** Answer every request with a 500, with unparseable JSON, or normally (null). */
  setFault(fault: Fault): void;
  /** Stops listening (state is kept); `restart()` listens on the same port again. */
  stop(): Promise<void>;
  restart(): Promise<void>;
  /** Writes pending state to the data file, with the journal folded in. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** The address the core listens on, as a Host name, unless it is a wildcard or a loopback name already served. */
function boundAddress(host: string): string[] {
  if (["0.0.0.0", "::", "127.0.0.1", "::1", "localhost"].includes(host)) return [];
  return [host.includes(":") ? `[${host}]` : host];
}

export async function startLocalCore(options: LocalCoreOptions = {}): Promise<LocalCore> {
  const host = options.host ?? "127.0.0.1";
  const { allow_origins: configOrigins, ...baseConfig }: CoreConfigInput = { ...options.config };
  if (options.apiKey !== undefined) baseConfig["api_keys"] = options.apiKey;
  const allowOrigins = originList([
    ...(options.allowOrigins ?? []),
    ...(typeof configOrigins === "string" ? configOrigins.split(",") : []),
  ]);
  const dataFile = options.dataFile;
  if (dataFile !== undefined) prepareDataDirectory(dataFile);
  const store = await Store.create(dataFile === undefined ? undefined : loadState(dataFile), baseConfig);
  store.config(store.app(BASE_APP)!);
  let journal: Journal | undefined;
  if (dataFile !== undefined) {
    const saving = new Journal(dataFile, store.state, writeAtomically);
    journal = saving;
    store.adoptApp = (appId, app) => saving.adopt(appId, app);
    // Appends are cheap: no debounce beyond the next tick (writes queued meanwhile share one append).
    store.persister = new FilePersister(dataFile, () => saving.save(), 0);
    // A fresh snapshot and an empty journal: what was loaded, and this start's settings.
    await saving.compact();
  }
  /** Everything on disk in the snapshot itself (the journal folded in). */
  const flush = (): Promise<void> =>
    journal === undefined || store.persister === undefined
      ? Promise.resolve()
      : store.persister.exclusive(() => journal.compact());
  const controls: ServerControls = {
    delayMs: options.delayMs ?? 0,
    fault: null,
    log: [],
    count: 0,
    allowOrigins,
    allowedHosts: [...(options.allowedHosts ?? []), ...boundAddress(host)],
  };
  const router = createRouter();
  const limits: ConnectionLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let server: Server = createCoreServer(store, router, controls, limits);
  const port = await listen(server, options.port ?? 3567, host);
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;

  return {
    url,
    port,
    get requestCount() {
      return controls.count;
    },
    get requests() {
      return controls.log;
    },
    clearRequests() {
      controls.log = [];
    },
    async rotateSigningKeys(appId = BASE_APP) {
      const app = store.app(appId);
      if (app === undefined) throw new Error(`no such app: ${appId}`);
      await rotateDynamicKey(app, store.config(app));
      store.changed();
      await store.commit();
    },
    async createApp(appId, coreConfig = {}) {
      await store.putApp(appId, coreConfig);
      await store.commit();
      return `${url}/appid-${appId}`;
    },
    setDelay(ms) {
      controls.delayMs = ms;
    },
    setFault(fault) {
      controls.fault = fault;
    },
    async stop() {
      await stopListening(server);
    },
    async restart() {
      if (server.listening) return;
      server = createCoreServer(store, router, controls, limits);
      await listen(server, port, host);
    },
    flush,
    async close() {
      await stopListening(server);
      await flush();
    },
  };
}
