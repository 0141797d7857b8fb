import type { Flash } from "../server/http/flash.ts";
import type { NavItem } from "../server/http/nav.ts";
import { assets } from "./assets.ts";
import { Avatar } from "./components.tsx";
import type { SafeHtml } from "./html/escape.ts";
import type { Child } from "./html/jsx-runtime.ts";

// htmx must not inject its own <style> (the CSP allows no inline style); our CSS carries the
// indicator rules instead. Error responses are swapped too, so validation errors render.
// Settling copies the old element's attributes onto its replacement; copying `style` would set
// an inline style attribute (say the height Chromium writes when a textarea is resized), which
// the CSP blocks and reports, so only classes and sizes settle.
const htmxConfig = JSON.stringify({
  includeIndicatorStyles: false,
  attributesToSettle: ["class", "width", "height"],
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
  /** The viewer's unread notifications, shown as a count beside "Notifications". */
  unread?: number | undefined;
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

function NotificationsLink(props: { unread: number; currentPath: string }): SafeHtml {
  return (
    <a
      href="/notifications"
      class="nav-notifications"
      title="Notifications"
      aria-current={props.currentPath === "/notifications" ? "page" : undefined}
    >
      <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path
          d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.4A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.6L18 12.6V9a6 6 0 0 0-6-6Zm-2.5 15a2.5 2.5 0 0 0 5 0"
          fill="none"
          stroke="currentColor"
          stroke-width="1.8"
          stroke-linejoin="round"
        />
      </svg>
      <span class="nav-notifications-label">Notifications</span>
      {props.unread > 0 ? (
        <span class="nav-count">
          {props.unread > 99 ? "99+" : String(props.unread)}
          <span class="visually-hidden"> unread</span>
        </span>
      ) : null}
    </a>
  );
}

/**
 * The header's navigation. On phones it folds behind a "Menu" button (app.js; without script
 * it stays open as a list); on desktops the main items sit in a bar, and app.js moves those
 * that do not fit into "More" (without script the bar wraps instead).
 */
function SiteNav(props: {
  viewer: { name: string };
  main: NavItem[];
  admin: NavItem[];
  currentPath: string;
  unread: number;
}): SafeHtml {
  const { currentPath } = props;
  return (
    <div id="site-nav" class="site-nav">
      <nav aria-label="Main" class="nav">
        <ul class="nav-main">
          {props.main.map((item) => (
            <NavLink item={item} currentPath={currentPath} />
          ))}
          <li class="nav-more" hidden>
            <details class="nav-menu">
              <summary>More</summary>
              <ul aria-label="More"></ul>
            </details>
          </li>
        </ul>
        {props.admin.length ? (
          <details class="nav-menu nav-admin">
            <summary aria-current={props.admin.some((i) => isCurrent(i.href, currentPath)) ? "page" : undefined}>
              Admin
            </summary>
            <ul aria-label="Administration">
              {props.admin.map((item) => (
                <NavLink item={item} currentPath={currentPath} />
              ))}
            </ul>
          </details>
        ) : null}
      </nav>
      <div class="usermenu">
        <NotificationsLink unread={props.unread} currentPath={currentPath} />
        <a
          href="/profile"
          class="me"
          title={props.viewer.name}
          aria-current={currentPath === "/profile" ? "page" : undefined}
        >
          <Avatar name={props.viewer.name} />
          <span class="me-name">{props.viewer.name}</span>
        </a>
        <form method="post" action="/logout" class="inline-form">
          <button type="submit" class="link-button">
            Log out
          </button>
        </form>
      </div>
    </div>
  );
}

/** The page shell: skip link, header with navigation, flash message, main content. */
export function Layout(props: LayoutProps): SafeHtml {
  const main = props.nav.filter((n) => n.section === "main");
  const admin = props.nav.filter((n) => n.section === "admin");
  const unread = props.unread ?? 0;
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
        <script src={assets.js.path}></script>
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
            <button type="button" class="menu-button" aria-expanded="false" aria-controls="site-nav">
              Menu
              {unread > 0 ? (
                <span class="nav-count" aria-hidden="true">
                  {unread > 99 ? "99+" : String(unread)}
                </span>
              ) : null}
            </button>
          ) : null}
          {props.viewer ? (
            <SiteNav viewer={props.viewer} main={main} admin={admin} currentPath={props.currentPath} unread={unread} />
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
