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
