// Dashboard user search: the `email` / `phone` / `provider` query tags of `GET /users`.
import type { ResponseOf } from "../cdi.ts";
import { type RequestContext, type Route, route } from "../router.ts";
import type { UserRow } from "../state.ts";

// The real core's DashboardSearchTags.SUPPORTED_SEARCH_TAGS, in its order.
const SEARCH_TAGS = ["email", "phone", "provider"] as const;

/** `a; B ;` -> ["a", "b"]: the core splits on `;`, lowercases and trims, dropping empties. */
function tagValues(query: URLSearchParams, name: string): string[] | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const values = raw
    .split(";")
    .map((s) => s.toLowerCase().trim())
    .filter((s) => s.length > 0);
  return values.length === 0 ? undefined : values;
}

/**
 * The user filter for the request's search tags, or undefined when there are none.
 * Only email/password users exist here: they match an email tag when the email or its
 * domain starts with it (the core's `LIKE 'tag%' OR LIKE '%@tag%'`), and never a phone
 * or provider tag, so a search with only those finds nobody.
 */
export function searchFilter(query: URLSearchParams): ((user: UserRow) => boolean) | undefined {
  const [emails, phones, providers] = SEARCH_TAGS.map((tag) => tagValues(query, tag));
  if (emails === undefined && phones === undefined && providers === undefined) return undefined;
  return (user) => {
    if (emails === undefined) return false;
    const email = user.loginMethod.email.toLowerCase();
    return emails.some((tag) => email.startsWith(tag) || email.includes(`@${tag}`));
  };
}

function searchTags(_ctx: RequestContext): ResponseOf<"/user/search/tags", "get"> {
  return { status: "OK", tags: [...SEARCH_TAGS] };
}

export const userSearchRoutes: Route[] = [route("/user/search/tags", "get", searchTags)];
