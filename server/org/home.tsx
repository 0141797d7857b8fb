import type { Context } from "hono";
import { EmptyState, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { allows, mayOpen, type Routes } from "../http/access.ts";
import type { DashboardCard } from "../http/cards.ts";
import type { AppEnv } from "../http/env.ts";
import { HttpError } from "../http/errors.ts";
import { page } from "../http/render.tsx";
import { unreadCount } from "../notifications/notifications.ts";
import { gettingStartedCard } from "./getting-started.tsx";

/** Core's own dashboard cards; plugins add theirs through the plugin API. */
export const coreCards: DashboardCard[] = [
  gettingStartedCard,
  {
    id: "core.notifications",
    title: "Notifications",
    access: "signed-in",
    order: 5,
    async render(c) {
      const viewer = c.get("viewer");
      if (!viewer) return null;
      // Read with the session for the header's badge; counted here only for other sign-ins.
      const unread = c.get("unread") ?? (await unreadCount(c.get("app").db, viewer.id));
      if (!unread) return null;
      return (
        <p>
          <a href="/notifications">
            {unread} unread {unread === 1 ? "notification" : "notifications"}
          </a>
        </p>
      );
    },
  },
  {
    id: "core.teams",
    title: "Your teams",
    access: "signed-in",
    order: 10,
    async render(c) {
      const viewer = c.get("viewer");
      if (!viewer) return null;
      const teams = await c.get("app").memberships.of(viewer.id);
      if (!teams.length) {
        const canManageTeams = mayOpen(c.get("app").routes, viewer, "/admin/teams");
        return (
          <EmptyState title="You are not on a team yet.">
            {canManageTeams ? (
              <>
                <p>Teams share updates, response-time norms and calendars. Create one and add yourself and others.</p>
                <a class="button button-small" href="/admin/teams">
                  Manage teams
                </a>
              </>
            ) : (
              <p>An admin adds people to teams. Teams share updates, response-time norms and calendars.</p>
            )}
          </EmptyState>
        );
      }
      return (
        <ul class="plain-list">
          {teams.map((t) => (
            <li>
              <a href={`/teams/${t.id}`}>{t.name}</a>{" "}
              <span class="muted small">
                · {t.memberCount} people · {t.timeZone}
              </span>
              {t.isManager ? <span class="badge badge-accent">Manager</span> : null}
            </li>
          ))}
        </ul>
      );
    },
  },
];

function Card(props: { title: string; body: SafeHtml }): SafeHtml {
  return (
    <section class="card" aria-label={props.title}>
      <h2>{props.title}</h2>
      {props.body}
    </section>
  );
}

/** A card that loads after the page; it replaces itself (or goes away when it has nothing to show). */
function LazyCard(props: { id: string; title: string }): SafeHtml {
  const href = `/home/cards/${encodeURIComponent(props.id)}`;
  return (
    <section class="card" aria-label={props.title} aria-busy="true" hx-get={href} hx-trigger="load" hx-swap="outerHTML">
      <h2>{props.title}</h2>
      <p class="muted small">
        <a href={href}>Loading…</a>
      </p>
    </section>
  );
}

type DashboardEntry = { id: string; title: string; body: SafeHtml } | { id: string; title: string; lazy: true };

function Dashboard(props: { name: string; cards: DashboardEntry[] }): SafeHtml {
  return (
    <>
      <PageHeader title={`Hello, ${props.name.split(" ")[0]}`} />
      <div class="cards">
        {props.cards.map((card) =>
          "lazy" in card ? <LazyCard id={card.id} title={card.title} /> : <Card title={card.title} body={card.body} />,
        )}
      </div>
    </>
  );
}

function visibleCards(c: Context<AppEnv>): DashboardCard[] {
  const viewer = c.get("viewer");
  return c
    .get("app")
    .cards.filter((card) => allows(card.access, viewer) && (card.enabled?.() ?? true))
    .sort((a, b) => a.order - b.order);
}

export function homeRoutes(r: Routes): void {
  r.get("/", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    const rendered = await Promise.all(
      visibleCards(c).map(async (card): Promise<DashboardEntry | null> => {
        if (card.loading === "lazy") return { id: card.id, title: card.title, lazy: true };
        const body = await card.render(c);
        return body === null ? null : { id: card.id, title: card.title, body };
      }),
    );
    const cards = rendered.filter((card) => card !== null);
    return page(c, <Dashboard name={viewer?.name ?? ""} cards={cards} />, { title: "Home" });
  });

  // One card on its own: the fragment a lazy card loads, or a page when opened without htmx.
  r.get("/home/cards/:id", "signed-in", async (c) => {
    const card = visibleCards(c).find((candidate) => candidate.id === c.req.param("id"));
    if (!card) throw new HttpError(404, "There is no such card on your dashboard.");
    const body = await card.render(c);
    return page(
      c,
      <>
        <PageHeader title={card.title} />
        {body ?? <p class="muted">Nothing to show here right now.</p>}
        <p>
          <a href="/">Back to the dashboard</a>
        </p>
      </>,
      { title: card.title, fragment: body === null ? "" : <Card title={card.title} body={body} /> },
    );
  });
}
