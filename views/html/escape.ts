/** A string that is already HTML: the renderer inserts it as is. Only this module and `raw()` make one. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const needsEscape = /[&<>"']/;

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  // Most strings need nothing: test once, and only then walk the string.
  if (!needsEscape.test(text)) return text;
  let out = "";
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    let entity: string;
    switch (text.charCodeAt(i)) {
      case 38:
        entity = "&amp;";
        break;
      case 60:
        entity = "&lt;";
        break;
      case 62:
        entity = "&gt;";
        break;
      case 34:
        entity = "&quot;";
        break;
      case 39:
        entity = "&#39;";
        break;
      default:
        continue;
    }
    out += text.slice(last, i) + entity;
    last = i + 1;
  }
  return out + text.slice(last);
}

/**
 * Marks trusted HTML (sanitized Markdown, an inline SVG the server built) so it is not escaped.
 * Never pass user input here unsanitized.
 */
export function raw(html: string): SafeHtml {
  return new SafeHtml(html);
}
