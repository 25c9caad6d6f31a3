/**
 * Coming back after the edge gate sent the browser away (src/edge/gate.ts adds `?redirectToPath=<path>`):
 * to sign in, or to /refresh-session when the access token had expired. Only a path of this site is
 * followed, never another origin.
 */
export function returnPath(search: string): string | undefined {
  const path = new URLSearchParams(search).get("redirectToPath");
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.includes("\\")) return undefined;
  return path;
}

/**
 * /refresh-session: refreshes through the SDK (which keeps its own copy of the tokens), then goes back;
 * when there is no session to refresh, to the sign-in page, still remembering where to come back.
 */
export async function refreshAndReturn(refresh: () => Promise<boolean>, location: Location): Promise<void> {
  const back = returnPath(location.search) ?? "/";
  const refreshed = await refresh().catch(() => false);
  location.replace(refreshed ? back : `/?redirectToPath=${encodeURIComponent(back)}`);
}
