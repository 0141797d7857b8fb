import type { Context } from "hono";
import { type Child, renderToString } from "../../views/html/jsx-runtime.ts";
import { Layout } from "../../views/layout.tsx";
import { allows } from "./access.ts";
import type { AppEnv } from "./env.ts";
import type { HttpError } from "./errors.ts";
import { takeFlash } from "./flash.ts";

/** An htmx request that wants a fragment: `HX-Request` set and not a boosted navigation. */
export function wantsFragment(c: Context<AppEnv>): boolean {
  return c.req.header("HX-Request") === "true" && c.req.header("HX-Boosted") !== "true";
}

export interface PageOptions {
  title: string;
  status?: 200 | 201 | HttpError["status"];
  /** Rendered instead of `body` for htmx fragment requests; defaults to `body`. */
  fragment?: Child;
}

/**
 * Renders a page: the full layout for normal and boosted requests, only the content for
 * htmx fragment requests. Caches must keep the two apart, hence `Vary: HX-Request`.
 */
export function page(c: Context<AppEnv>, body: Child, options: PageOptions): Response {
  c.header("Vary", "HX-Request");
  const status = options.status ?? 200;
  if (wantsFragment(c)) return c.html(renderToString(options.fragment ?? body), status);
  const viewer = c.get("viewer");
  const app = c.get("app");
  const html = Layout({
    title: options.title,
    viewer,
    nav: app.nav
      .filter((item) => allows(item.access, viewer) && (item.enabled?.() ?? true))
      .sort((a, b) => a.order - b.order),
    currentPath: c.req.path,
    flash: takeFlash(c),
    orgName: app.org.cachedName(),
    unread: c.get("unread"),
    ...app.plugins.pageAssets(),
    children: body,
  });
  return c.html(`<!doctype html>${html.value}`, status);
}

/**
 * Redirects after a successful POST. htmx requests get `HX-Location` so htmx fetches the
 * target itself; plain forms get a 303 (see RFC 9110 §15.4.4: the browser follows with GET).
 */
export function redirect(c: Context<AppEnv>, to: string): Response {
  if (c.req.header("HX-Request") === "true" && c.req.header("HX-Boosted") !== "true") {
    c.header("HX-Location", to);
    return c.body(null, 204);
  }
  return c.redirect(to, 303);
}
