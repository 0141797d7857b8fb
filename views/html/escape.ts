/** A string that is already HTML: the renderer inserts it as is. Only this module and `raw()` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const escapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
const needsEscape = /[&<>"']/;
const escapeChars = /[&<>"']/g;

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  // Most strings need nothing: testing first avoids allocating a new one.
  return needsEscape.test(text) ? text.replace(escapeChars, (ch) => escapes[ch] as string) : text;
}

/**
 * Marks trusted HTML (sanitized Markdown, an inline SVG the server built) so it is not escaped.
 * Never pass user input here unsanitized.
 */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}
