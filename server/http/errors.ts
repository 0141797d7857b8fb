/** Field name → what was wrong with it, shown beside the field. */
export type FieldErrors = Record<string, string>;

/**
 * The one error type routes throw for an expected failure. `app.onError` turns it into a
 * page, an htmx fragment, or JSON under `/api`.
 */
export class HttpError extends Error {
  readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 500 | 503;
  readonly fields: FieldErrors | undefined;

  constructor(status: HttpError["status"], message: string, options: { fields?: FieldErrors; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = "HttpError";
    this.status = status;
    this.fields = options.fields;
  }
}

export const notFound = (what = "Page"): HttpError => new HttpError(404, `${what} not found.`);
export const forbidden = (message = "You do not have access to this."): HttpError => new HttpError(403, message);
