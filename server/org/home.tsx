import { EmptyState, PageHeader } from "../../views/components.tsx";
import type { SafeHtml } from "../../views/html/escape.ts";
import { allows, mayOpen, type Routes } from "../http/access.ts";
import type { DashboardCard } from "../http/cards.ts";
import { page } from "../http/render.tsx";
import { unreadCount } from "../notifications/notifications.ts";
import { teamsOf } from "../people/teams.ts";
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
      const unread = await unreadCount(c.get("app").db, viewer.id);
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
      const teams = await teamsOf(c.get("app").db, viewer.id);
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

function Dashboard(props: { name: string; cards: { title: string; body: SafeHtml }[] }): SafeHtml {
  return (
    <>
      <PageHeader title={`Hello, ${props.name.split(" ")[0]}`} />
      <div class="cards">
        {props.cards.map((card) => (
          <section class="card" aria-label={card.title}>
            <h2>{card.title}</h2>
            {card.body}
          </section>
        ))}
      </div>
    </>
  );
}

export function homeRoutes(r: Routes): void {
  r.get("/", "signed-in", async (c) => {
    const viewer = c.get("viewer");
    const ctx = c.get("app");
    const visible = ctx.cards
      .filter((card) => allows(card.access, viewer) && (card.enabled?.() ?? true))
      .sort((a, b) => a.order - b.order);
    const rendered = await Promise.all(
      visible.map(async (card) => ({ title: card.title, body: await card.render(c) })),
    );
    const cards = rendered.filter((card): card is { title: string; body: SafeHtml } => card.body !== null);
    return page(c, <Dashboard name={viewer?.name ?? ""} cards={cards} />, { title: "Home" });
  });
}
