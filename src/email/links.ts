/** The pages of WEBSITE_DOMAIN that take an emailed token. */
export type EmailPage = "/reset-password" | "/verify-email";

/**
 * The link an email carries: the page at WEBSITE_DOMAIN with the query supertokens-node built
 * (`token`, `tenantId`). supertokens-node would put its website base path (`/auth`) in front of the
 * page; our page serves `/reset-password` and `/verify-email` itself.
 */
export function pageLink(websiteDomain: string, page: EmailPage, sdkLink: string): string {
  return `${websiteDomain}${page}${new URL(sdkLink).search}`;
}
