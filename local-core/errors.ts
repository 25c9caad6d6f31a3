/** An answer the core gives as plain text with a non-200 status, like the real core does. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);

export const fieldInvalid = (field: string): HttpError =>
  badRequest(`Field name '${field}' is invalid in JSON input`);

export const queryFieldMissing = (field: string): HttpError =>
  badRequest(`Field name '${field}' is missing in GET request`);

export const appOrTenantNotFound = (appId: string, tenantId: string): HttpError =>
  badRequest(
    "AppId or tenantId not found => Tenant with the following connectionURIDomain, appId and tenantId combination not found: " +
      `(, ${appId}, ${tenantId})`,
  );
