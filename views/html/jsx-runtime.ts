/**
 * A JSX runtime that renders straight to escaped HTML strings.
 *
 * Pages are rendered on every request, so this runtime does the least work that keeps
 * auto-escaping: each element becomes one `SafeHtml` string as soon as it is built, text and
 * attribute values are escaped, and only `SafeHtml` children (other elements, `raw()`) pass
 * through unescaped. There is no virtual DOM, no context and no hooks: components are plain
 * functions of their props.
 */
import { escapeHtml, SafeHtml } from "./escape.ts";

export { SafeHtml };

export type Child = SafeHtml | string | number | boolean | null | undefined | Child[];

type Props = Record<string, unknown> & { children?: Child };
type Component<P = Props> = (props: P) => SafeHtml;

const voidElements = new Set([
  "area",
  "base",
  "br",
  "col",
  "embed",
  "hr",
  "img",
  "input",
  "link",
  "meta",
  "source",
  "track",
  "wbr",
]);

function childrenHtml(child: Child): string {
  if (typeof child === "string") return escapeHtml(child);
  if (child instanceof SafeHtml) return child.value;
  if (child === null || child === undefined || typeof child === "boolean") return "";
  if (Array.isArray(child)) {
    let html = "";
    for (const c of child) html += childrenHtml(c);
    return html;
  }
  return escapeHtml(String(child));
}

function attributesHtml(props: Props): string {
  let attrs = "";
  for (const key in props) {
    if (key === "children") continue;
    const value = props[key];
    if (value === null || value === undefined || value === false) continue;
    const name = key === "className" ? "class" : key === "htmlFor" ? "for" : key;
    if (value === true) attrs += ` ${name}`;
    else if (typeof value === "string") attrs += ` ${name}="${escapeHtml(value)}"`;
    else if (name === "style" && typeof value === "object" && !(value instanceof SafeHtml)) {
      attrs += ` style="${escapeHtml(styleText(value as Record<string, string | number>))}"`;
    } else attrs += ` ${name}="${escapeHtml(value instanceof SafeHtml ? value.value : String(value))}"`;
  }
  return attrs;
}

function styleText(style: Record<string, string | number>): string {
  let text = "";
  for (const key in style) text += `${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}:${style[key]};`;
  return text;
}

// Each element becomes its HTML string at once, built by concatenation (engines turn repeated
// `+=` into ropes, which beats collecting parts in arrays and joining them).
export function jsx(type: string | Component, props: Props): SafeHtml {
  if (typeof type === "function") return type(props);
  const open = `<${type}${attributesHtml(props)}>`;
  if (voidElements.has(type)) return new SafeHtml(open);
  return new SafeHtml(`${open}${childrenHtml(props.children)}</${type}>`);
}

export const jsxs = jsx;
export const jsxDEV = jsx;

export function Fragment(props: { children?: Child }): SafeHtml {
  return new SafeHtml(childrenHtml(props.children));
}

/** Renders any child (an element, a list, text) to an HTML string. */
export function renderToString(child: Child): string {
  return childrenHtml(child);
}

export namespace JSX {
  export type Element = SafeHtml;
  export interface ElementChildrenAttribute {
    children: unknown;
  }
  export interface IntrinsicElements {
    [tag: string]: Record<string, unknown> & { children?: Child };
  }
}
