/** Where the API lives, decided at runtime so one build serves `npm start`, tests and Netlify. */
export const DEFAULT_API_DOMAIN = "http://localhost:3000";

export interface ApiDomainSources {
  /** `window.SESSION_ROLES_API`, if a host page set it. */
  override?: string | undefined;
  /** The `<meta name="api-domain">` content: a URL, or `same-origin`. */
  meta?: string | undefined;
  /** `window.location.origin`, used when the meta says `same-origin`. */
  origin: string;
}

/** override, else meta (`same-origin` means the page's own origin), else http://localhost:3000; no trailing slash. */
export function resolveApiDomain({ override, meta, origin }: ApiDomainSources): string {
  const chosen = [override, meta].map((value) => value?.trim()).find((value) => value);
  const domain = chosen === undefined ? DEFAULT_API_DOMAIN : chosen === "same-origin" ? origin : chosen;
  return domain.replace(/\/+$/, "");
}

const LOOPBACK_IP = /^(127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The same page on `localhost` when it was opened on a loopback address (127.0.0.1, [::1]) while the
 * API is on `localhost`: the session cookies belong to `localhost`, and the API allows only that
 * origin, so on the IP address sign-in would seem to work and the session never show. Undefined when
 * the page is where it should be.
 */
export function localhostPage(pageUrl: string, apiDomain: string): string | undefined {
  const page = new URL(pageUrl);
  const api = new URL(apiDomain, page);
  if (api.hostname !== "localhost" || !LOOPBACK_IP.test(page.hostname)) return undefined;
  page.hostname = "localhost";
  return page.href;
}
