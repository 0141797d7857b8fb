/** The SCIM error `scimType`s DeskTrust uses (RFC 7644 §3.12). */
export type ScimType =
  | "invalidFilter"
  | "invalidSyntax"
  | "invalidPath"
  | "invalidValue"
  | "mutability"
  | "uniqueness"
  | "noTarget";

/** An expected SCIM failure; the routes turn it into an RFC 7644 error response. */
export class ScimError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500;
  readonly scimType: ScimType | undefined;

  constructor(status: ScimError["status"], detail: string, scimType?: ScimType) {
    super(detail);
    this.name = "ScimError";
    this.status = status;
    this.scimType = scimType;
  }
}

export const ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";

export function scimErrorBody(error: ScimError): Record<string, unknown> {
  return {
    schemas: [ERROR_SCHEMA],
    status: String(error.status),
    ...(error.scimType ? { scimType: error.scimType } : {}),
    detail: error.message,
  };
}
