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

const startsWithAny = (value: string | undefined, tags: string[] | undefined): boolean =>
  tags === undefined || (value !== undefined && tags.some((tag) => value.toLowerCase().startsWith(tag)));

// An email tag matches the email or its domain (the core's `LIKE 'tag%' OR LIKE '%@tag%'`).
const emailMatches = (email: string | undefined, tags: string[] | undefined): boolean =>
  tags === undefined ||
  (email !== undefined &&
    tags.some((tag) => email.toLowerCase().startsWith(tag) || email.toLowerCase().includes(`@${tag}`)));

/**
 * The user filter for the request's search tags, or undefined when there are none.
 * Like the core, each recipe is searched only when it has every tagged field: email/password
 * users for email tags alone, third-party users unless a phone is asked for, passwordless
 * users unless a provider is. Within a recipe all tag kinds must match (any value of each);
 * phone and provider tags are prefixes.
 */
export function searchFilter(query: URLSearchParams): ((user: UserRow) => boolean) | undefined {
  const [emails, phones, providers] = SEARCH_TAGS.map((tag) => tagValues(query, tag));
  if (emails === undefined && phones === undefined && providers === undefined) return undefined;
  return (user) => {
    const lm = user.loginMethod;
    switch (lm.recipeId) {
      case "emailpassword":
        return phones === undefined && providers === undefined && emailMatches(lm.email, emails);
      case "thirdparty":
        return (
          phones === undefined && emailMatches(lm.email, emails) && startsWithAny(lm.thirdParty.id, providers)
        );
      case "passwordless":
        return (
          providers === undefined && emailMatches(lm.email, emails) && startsWithAny(lm.phoneNumber, phones)
        );
    }
  };
}

function searchTags(_ctx: RequestContext): ResponseOf<"/user/search/tags", "get"> {
  return { status: "OK", tags: [...SEARCH_TAGS] };
}

export const userSearchRoutes: Route[] = [route("/user/search/tags", "get", searchTags)];
