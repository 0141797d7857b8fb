import type { Flash } from "../server/http/flash.ts";
import type { NavItem } from "../server/http/nav.ts";
import { assets } from "./assets.ts";
import type { SafeHtml } from "./html/escape.ts";
import type { Child } from "./html/jsx-runtime.ts";

// htmx must not inject its own <style> (the CSP allows no inline style); our CSS carries the
// indicator rules instead. Error responses are swapped too, so validation errors render.
const htmxConfig = JSON.stringify({
  includeIndicatorStyles: false,
  allowEval: false,
  historyCacheSize: 0,
  responseHandling: [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "[45]..", swap: true, error: true },
  ],
});

export interface LayoutProps {
  title: string;
  viewer: { name: string; role: string } | null;
  nav: NavItem[];
  currentPath: string;
  flash: Flash | null;
  orgName?: string | undefined;
  /** Plugin stylesheets and scripts (content-versioned URLs). */
  stylesheets?: string[];
  scripts?: string[];
  children: Child;
}

function isCurrent(href: string, path: string): boolean {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

function NavLink(props: { item: NavItem; currentPath: string }): SafeHtml {
  const { href, label } = props.item;
  const current = isCurrent(href, props.currentPath);
  return (
    <li>
      <a href={href} aria-current={current ? "page" : undefined}>
        {label}
      </a>
    </li>
  );
}

/** The page shell: skip link, header with navigation, flash message, main content. */
export function Layout(props: LayoutProps): SafeHtml {
  const main = props.nav.filter((n) => n.section === "main");
  const admin = props.nav.filter((n) => n.section === "admin");
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="htmx-config" content={htmxConfig} />
        <title>{props.title === "DeskTrust" ? "DeskTrust" : `${props.title} · DeskTrust`}</title>
        <link rel="icon" href={assets.icon.path} type="image/svg+xml" />
        <link rel="stylesheet" href={assets.css.path} />
        <script src={assets.htmx.path} defer></script>
        <script src={assets.js.path} defer></script>
        {(props.stylesheets ?? []).map((href) => (
          <link rel="stylesheet" href={href} />
        ))}
        {(props.scripts ?? []).map((src) => (
          <script src={src} defer></script>
        ))}
      </head>
      <body hx-boost="true">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="topbar">
          <a class="brand" href="/">
            <img src={assets.icon.path} alt="" width="24" height="24" />
            <span>{props.orgName ?? "DeskTrust"}</span>
          </a>
          {props.viewer ? (
            <nav aria-label="Main" class="nav">
              <ul>
                {main.map((item) => (
                  <NavLink item={item} currentPath={props.currentPath} />
                ))}
              </ul>
              {admin.length ? (
                <details class="nav-menu">
                  <summary aria-current={admin.some((i) => isCurrent(i.href, props.currentPath)) ? "page" : undefined}>
                    Admin
                  </summary>
                  <ul aria-label="Administration">
                    {admin.map((item) => (
                      <NavLink item={item} currentPath={props.currentPath} />
                    ))}
                  </ul>
                </details>
              ) : null}
            </nav>
          ) : null}
          {props.viewer ? (
            <div class="usermenu">
              <a href="/notifications" aria-current={props.currentPath === "/notifications" ? "page" : undefined}>
                Notifications
              </a>
              <a href="/profile" aria-current={props.currentPath === "/profile" ? "page" : undefined}>
                {props.viewer.name}
              </a>
              <form method="post" action="/logout" class="inline-form">
                <button type="submit" class="link-button">
                  Log out
                </button>
              </form>
            </div>
          ) : null}
        </header>
        <div id="flash" aria-live="polite">
          {props.flash ? (
            <div class={`alert alert-${props.flash.kind}`} role={props.flash.kind === "error" ? "alert" : "status"}>
              {props.flash.message}
            </div>
          ) : null}
        </div>
        <main id="main" tabindex="-1">
          {props.children}
        </main>
      </body>
    </html>
  );
}
