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

function renderChildren(child: Child, out: string[]): void {
  if (child === null || child === undefined || child === false || child === true) return;
  if (child instanceof SafeHtml) out.push(child.value);
  else if (Array.isArray(child)) for (const c of child) renderChildren(c, out);
  else out.push(escapeHtml(String(child)));
}

function renderAttributes(props: Props): string {
  let attrs = "";
  for (const key in props) {
    if (key === "children") continue;
    const value = props[key];
    if (value === null || value === undefined || value === false) continue;
    const name = key === "className" ? "class" : key === "htmlFor" ? "for" : key;
    if (value === true) attrs += ` ${name}`;
    else if (name === "style" && typeof value === "object")
      attrs += ` style="${escapeHtml(styleText(value as Record<string, string | number>))}"`;
    else attrs += ` ${name}="${escapeHtml(value instanceof SafeHtml ? value.value : String(value))}"`;
  }
  return attrs;
}

function styleText(style: Record<string, string | number>): string {
  let text = "";
  for (const key in style) text += `${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}:${style[key]};`;
  return text;
}

export function jsx(type: string | Component, props: Props): SafeHtml {
  if (typeof type === "function") return type(props);
  const out: string[] = [`<${type}${renderAttributes(props)}>`];
  if (voidElements.has(type)) return new SafeHtml(out[0] as string);
  renderChildren(props.children, out);
  out.push(`</${type}>`);
  return new SafeHtml(out.join(""));
}

export const jsxs = jsx;
export const jsxDEV = jsx;

export function Fragment(props: { children?: Child }): SafeHtml {
  const out: string[] = [];
  renderChildren(props.children, out);
  return new SafeHtml(out.join(""));
}

/** Renders any child (an element, a list, text) to an HTML string. */
export function renderToString(child: Child): string {
  const out: string[] = [];
  renderChildren(child, out);
  return out.join("");
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
