import { Marked } from "marked";
import type SanitizeHtml from "sanitize-html";
import { raw, type SafeHtml } from "../../views/html/escape.ts";
import { onFirstUse } from "../lazy.ts";

// GitHub-flavoured Markdown without raw HTML passthrough surprises: whatever marked produces is
// sanitized against a small allowlist below, so `<script>`, event handlers, `style` and
// `javascript:` links never reach a page.
const marked = new Marked({ gfm: true, breaks: false, async: false });
// sanitize-html (with its CSS parser) takes longer to load than anything else a page needs: not
// at start, but soon after (nearly every page shows Markdown).
const sanitizeHtml = onFirstUse(() => require("sanitize-html") as typeof SanitizeHtml, {
  warm: true,
  dependenciesFirst: [() => require("htmlparser2"), () => require("postcss")],
});

const allowed: SanitizeHtml.IOptions = {
  allowedTags: [
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "s",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "input",
  ],
  allowedAttributes: {
    a: ["href", "title"],
    th: ["align"],
    td: ["align"],
    ol: ["start"],
    input: ["type", "checked", "disabled"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesAppliedToAttributes: ["href"],
  allowProtocolRelative: false,
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: "noopener noreferrer nofollow" } }),
    // Task-list checkboxes render, but read-only.
    input: (_tag, attribs) => ({
      tagName: attribs.type === "checkbox" ? "input" : "span",
      attribs:
        attribs.type === "checkbox"
          ? { type: "checkbox", disabled: "", ...(attribs.checked !== undefined ? { checked: "" } : {}) }
          : {},
    }),
  },
};
allowed.allowedAttributes = { ...allowed.allowedAttributes, a: ["href", "title", "rel"] };

/** Renders user Markdown to sanitized HTML, safe to put in a page or an email. */
export function renderMarkdown(markdown: string): SafeHtml {
  const html = marked.parse(markdown) as string;
  return raw(sanitizeHtml()(html, allowed));
}

/** Plain text of a Markdown document (for digests, snippets and the writing linter). */
export function markdownToText(markdown: string): string {
  const html = marked.parse(markdown) as string;
  return sanitizeHtml()(html.replace(/<\/(p|li|h[1-6]|blockquote|pre|tr)>/g, "\n"), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
