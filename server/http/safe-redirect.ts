/** Where a redirect goes when the requested target is refused. */
export const SAFE_DEFAULT = "/";

// Any C0 control, DEL or C1 control: browsers strip tabs and newlines from URLs before
// resolving them, so "/\t/evil.example" becomes "//evil.example"; CR/LF would also split the
// Location header. Backslashes are read as slashes by browsers ("/\evil.example").
const controls = /\p{Cc}/u;
const probeOrigin = "http://desktrust.invalid";

/**
 * A same-origin relative path to redirect to after login, or `/` when `next` is anything else
 * (https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html).
 * The value is checked raw and once more after percent-decoding, so an encoded `//`, `\`
 * or control character cannot survive a later decode either, and it must resolve to the
 * same path against our origin.
 *
 * @example
 * safeNext("/teams/1?tab=members") // "/teams/1?tab=members"
 * safeNext("/\t/evil.example")      // "/"
 */
export function safeNext(next: string | undefined | null): string {
  if (!next || next.length > 2048 || !isSafePath(next)) return SAFE_DEFAULT;
  const decoded = decodeOnce(next);
  if (decoded === null || !isSafeDecodedPath(decoded)) return SAFE_DEFAULT;
  let resolved: URL;
  try {
    resolved = new URL(next, probeOrigin);
  } catch {
    return SAFE_DEFAULT;
  }
  if (resolved.origin !== probeOrigin) return SAFE_DEFAULT;
  const path = resolved.pathname + resolved.search + resolved.hash;
  return isSafePath(path) ? path : SAFE_DEFAULT;
}

function isSafePath(value: string): boolean {
  return value.startsWith("/") && !/^.[/\\]/.test(value) && !value.includes("\\") && !controls.test(value);
}

/** After one decode, an encoded `?q=%5C` may hold a backslash; only the start must stay a path. */
function isSafeDecodedPath(value: string): boolean {
  return value.startsWith("/") && !/^.[/\\]/.test(value) && !controls.test(value);
}

function decodeOnce(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}
