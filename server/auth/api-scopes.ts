/**
 * What an API token may do. `read` allows every GET under `/api`; a resource's write scope
 * (`updates:write`, `charters:write` …) allows the API operations declared with it; `write` is
 * the scope of tokens made before per-resource scopes and still allows every change the person
 * may make (and every read).
 */
export const READ_SCOPE = "read";
export const ALL_WRITES_SCOPE = "write";

/** A resource's write scope, as endpoints declare it: `updates:write`. */
export const writeScopePattern = /^[a-z][a-z0-9-]*:write$/;

/** Whether a token with `scopes` may do what `needed` covers. */
export function tokenGrants(scopes: readonly string[], needed: string): boolean {
  return scopes.includes(ALL_WRITES_SCOPE) || scopes.includes(needed);
}

/** Whether a token may change anything at all (a token with only `read` may not). */
export function grantsAnyWrite(scopes: readonly string[]): boolean {
  return scopes.some((scope) => scope === ALL_WRITES_SCOPE || writeScopePattern.test(scope));
}

/** Whether `scope` is a well-formed scope name (what the token form and endpoints accept). */
export function isScopeName(scope: string): boolean {
  return scope === READ_SCOPE || scope === ALL_WRITES_SCOPE || writeScopePattern.test(scope);
}
