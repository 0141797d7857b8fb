import { ScimError } from "./errors.ts";

/** A filter DeskTrust answers: one attribute compared for equality, as Entra ID and Okta send. */
export interface EqualityFilter {
  attribute: string;
  value: string;
}

/**
 * Parses `attribute eq "value"` (RFC 7644 §3.4.2.2). The attribute name is case-insensitive and
 * returned lower-cased; `allowed` lists the attributes this resource can be filtered by.
 * Anything else is a 400 `invalidFilter`, never a silent "match everything".
 */
export function parseFilter(filter: string, allowed: readonly string[]): EqualityFilter {
  const match = /^\s*([A-Za-z][\w.:-]*)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$/i.exec(filter);
  if (!match) {
    throw new ScimError(
      400,
      `Only filters of the form attribute eq "value" are supported, got: ${filter.slice(0, 200)}`,
      "invalidFilter",
    );
  }
  const attribute = (match[1] ?? "").toLowerCase();
  if (!allowed.includes(attribute)) {
    throw new ScimError(
      400,
      `Filtering by ${match[1]} is not supported; use one of ${allowed.join(", ")}.`,
      "invalidFilter",
    );
  }
  return { attribute, value: (match[2] ?? "").replace(/\\(.)/g, "$1") };
}
