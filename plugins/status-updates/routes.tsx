import { eq } from "drizzle-orm";
import { z } from "zod";
import {
  ActionButton,
  EmptyState,
  formatInstant,
  HttpError,
  membersOf,
  PageHeader,
  type PluginRoutes,
  people,
  raw,
  readForm,
  renderMarkdown,
  requireViewer,
  Select,
} from "../../server/plugin-api.ts";
import { readableTeam, visibleTeams } from "./access.ts";
import { checkinOf } from "./checkins.ts";
import { composerRoutes, hintsFor } from "./composer-pages.tsx";
import { feedPage } from "./feed.ts";
import { isPeriodKey, periodAt, periodLabel } from "./period.ts";
import { commentBody, loadUpdate } from "./posting.ts";
import { searchUpdates } from "./search.ts";
import type { StatusSettings } from "./settings.ts";
import { teamSettingsRoutes } from "./team-settings-pages.tsx";
import { acknowledge, addComment, askOf, commentsOf, editHistory, readersOf, updateFor } from "./updates.ts";
import { base, SearchResults, UpdateCard } from "./views.tsx";

export function statusPages(r: PluginRoutes<StatusSettings>): void {
  // The team feed: periods newest first, a page of periods at a time.
  r.get(
    "/",
    "member",
    async (c, s) => {
      const viewer = requireViewer(s);
      const teams = await visibleTeams(s);
      if (!teams.length && !c.req.query("team")) {
        return s.page(
          <>
            <PageHeader title="Status updates" />
            <EmptyState title="You are not on a team yet.">
              <p>Updates are written per team. Ask an admin to add you to one.</p>
            </EmptyState>
          </>,
          { title: "Status updates" },
        );
      }
      const teamId = c.req.query("team") || teams.find((t) => t.isMember)?.id || teams[0]?.id;
      const team = await readableTeam(s, teamId);
      const checkin = await checkinOf(s.db, team);
      const person = c.req.query("person") || "";
      const periodFilter = c.req.query("period") || "";
      if (person && !/^[0-9a-f-]{36}$/i.test(person)) throw new HttpError(400, "person must be a person id.");
      if (periodFilter && !isPeriodKey(periodFilter)) throw new HttpError(400, "period must look like 2026-W10.");
      const page = Math.min(Math.max(Number.parseInt(c.req.query("page") ?? "0", 10) || 0, 0), 1000);
      const filter = { teamId: team.id, authorId: person || undefined, period: periodFilter || undefined };
      const current = periodAt(checkin, s.clock.now());
      const [feed, members, mine] = await Promise.all([
        feedPage(s.db, filter, page),
        membersOf(s.db, team.id),
        team.isMember ? updateFor(s.db, team.id, viewer.id, current.key) : null,
      ]);
      const qs = (p: number): string =>
        `${base}?${new URLSearchParams({ team: team.id, ...(person ? { person } : {}), ...(periodFilter ? { period: periodFilter } : {}), page: String(p) })}`;
      return s.page(
        <>
          <PageHeader title="Status updates">
            {team.isMember ? (
              <a class="button" href={`${base}/write?team=${team.id}`}>
                {mine?.status === "posted" ? "Edit your update" : "Write your update"}
              </a>
            ) : null}
            <a class="button button-secondary" href={`${base}/teams/${team.id}/analytics`}>
              Analytics
            </a>
            {team.isManager ? (
              <a class="button button-secondary" href={`${base}/teams/${team.id}/settings`}>
                Check-in settings
              </a>
            ) : null}
          </PageHeader>
          <search>
            <form method="get" action={`${base}/search`} class="filter-row status-updates-search">
              <label for="status-updates-q" class="visually-hidden">
                Search updates
              </label>
              <input id="status-updates-q" type="search" name="q" placeholder="Search updates and comments" />
              <button type="submit" class="button button-secondary">
                Search
              </button>
            </form>
          </search>
          <form method="get" action={base} class="filter-row status-updates-filters" aria-label="Filter the feed">
            <Select
              label="Team"
              name="team"
              value={team.id}
              options={teams.map((t) => ({ value: t.id, label: t.name }))}
            />
            <Select
              label="Person"
              name="person"
              value={person}
              options={[{ value: "", label: "Everyone" }, ...members.map((m) => ({ value: m.id, label: m.name }))]}
            />
            <div class="field">
              <label for="f-period">Period</label>
              <input
                id="f-period"
                name="period"
                value={periodFilter}
                placeholder={current.key}
                pattern="\d{4}-W\d{2}"
              />
            </div>
            <button type="submit" class="button button-secondary">
              Filter
            </button>
          </form>
          {!feed.periods.length ? (
            <EmptyState title="No updates yet.">
              <p>Posted updates show up here, newest period first.</p>
            </EmptyState>
          ) : (
            feed.periods.map((p) => (
              <section class="stack status-updates-period" aria-labelledby={`p-${p.key}`}>
                <h2 id={`p-${p.key}`}>
                  {periodLabel(p.key)} <span class="muted small">({p.items.length} posted)</span>
                </h2>
                {p.items.map((item) => (
                  <UpdateCard item={item} timeZone={viewer.timeZone} />
                ))}
              </section>
            ))
          )}
          <nav class="row" aria-label="Feed pages">
            {page > 0 ? <a href={qs(page - 1)}>Newer periods</a> : null}
            {feed.hasMore ? <a href={qs(page + 1)}>Older periods</a> : null}
          </nav>
        </>,
        { title: `Status updates · ${team.name}` },
      );
    },
    { keepRendered: true },
  );

  composerRoutes(r);

  r.get(
    "/updates/:id",
    "member",
    async (c, s) => {
      const viewer = requireViewer(s);
      const { update, team } = await loadUpdate(s, c.req.param("id"));
      const checkin = await checkinOf(s.db, team);
      const [author, comments, readers, ask, history] = await Promise.all([
        s.db.select({ name: people.name }).from(people).where(eq(people.id, update.authorId)),
        commentsOf(s.db, update.id),
        readersOf(s.db, update.id),
        askOf(s.db, update.id),
        editHistory(s.db, update.id),
      ]);
      const authorName = author[0]?.name ?? "Someone";
      const isAuthor = update.authorId === viewer.id;
      const hasRead = readers.some((r) => r.id === viewer.id);
      const hints = isAuthor
        ? checkin.questions.flatMap((q) =>
            update.answers[q.key] ? hintsFor(s, q, update.answers[q.key] as string) : [],
          )
        : [];
      return s.page(
        <>
          <PageHeader title={`${authorName} · ${periodLabel(update.period)}`}>
            <a class="button button-secondary" href={`${base}?team=${team.id}`}>
              {team.name} feed
            </a>
            {isAuthor && update.status === "posted" ? (
              <a class="button button-secondary" href={`${base}/updates/${update.id}/edit`}>
                Edit
              </a>
            ) : null}
          </PageHeader>
          <div class="split">
            <article class="card stack" aria-label="The update">
              <p class="muted small">
                {update.postedAt ? (
                  <>
                    Posted{" "}
                    <time datetime={update.postedAt.toISOString()}>
                      {formatInstant(update.postedAt, viewer.timeZone)}
                    </time>
                    {update.postedAt > update.dueAt ? " (after the due time)" : ""}
                  </>
                ) : (
                  "Draft"
                )}
                {history.length ? ` · edited ${history.length} time${history.length === 1 ? "" : "s"}` : ""}
              </p>
              {/* bodyHtml was sanitized by renderMarkdown when the update was written. */}
              <div class="status-updates-body">
                {update.bodyHtml ? raw(update.bodyHtml) : renderMarkdown(update.body)}
              </div>
              {hints.length ? (
                <details class="status-updates-hints">
                  <summary>Writing hints for next time ({hints.length})</summary>
                  <ul class="plain-list">
                    {hints.map((h) => (
                      <li>{h.message}</li>
                    ))}
                  </ul>
                </details>
              ) : null}
              {history.length ? (
                <details>
                  <summary>Edit history</summary>
                  <ol class="plain-list">
                    {history.map((e) => (
                      <li>
                        <p class="muted small">
                          Before the edit by {e.editorName} on{" "}
                          <time datetime={e.editedAt.toISOString()}>{formatInstant(e.editedAt, viewer.timeZone)}</time>:
                        </p>
                        <div class="status-updates-body">
                          {checkin.questions
                            .filter((q) => e.previous[q.key])
                            .map((q) => (
                              <>
                                <h4>{q.label}</h4>
                                {renderMarkdown(e.previous[q.key] as string)}
                              </>
                            ))}
                        </div>
                      </li>
                    ))}
                  </ol>
                </details>
              ) : null}
            </article>
            <aside class="stack">
              {ask ? (
                <section class="card" aria-labelledby="ask-h">
                  <h2 id="ask-h">Ask</h2>
                  <ul class="plain-list">
                    {ask.addressees.map((a) => (
                      <li>
                        {a.name}:{" "}
                        {a.answeredAt ? (
                          <span class="badge">answered</span>
                        ) : (
                          <span class="badge status-updates-blocked">waiting</span>
                        )}
                      </li>
                    ))}
                  </ul>
                  <p class="muted small">An addressee answers by commenting on this update.</p>
                </section>
              ) : null}
              <section class="card" aria-labelledby="read-h">
                <h2 id="read-h">Read by</h2>
                {readers.length ? (
                  <ul class="plain-list">
                    {readers.map((r) => (
                      <li>{r.name}</li>
                    ))}
                  </ul>
                ) : (
                  <p class="muted small">Nobody has marked it read yet.</p>
                )}
                {update.status === "posted" && !hasRead && !isAuthor ? (
                  <ActionButton action={`${base}/updates/${update.id}/read`} label="Mark as read" />
                ) : null}
              </section>
            </aside>
          </div>
          <section class="card stack" id="comments" aria-labelledby="comments-h">
            <h2 id="comments-h">Comments</h2>
            {comments.length ? (
              <ol class="plain-list stack">
                {comments.map((cm) => (
                  <li id={`comment-${cm.id}`} class="status-updates-comment">
                    <p class="small">
                      <strong>{cm.authorName}</strong>{" "}
                      <time class="muted" datetime={cm.createdAt.toISOString()}>
                        {formatInstant(cm.createdAt, viewer.timeZone)}
                      </time>
                    </p>
                    {renderMarkdown(cm.body)}
                  </li>
                ))}
              </ol>
            ) : (
              <p class="muted small">No comments yet.</p>
            )}
            {update.status === "posted" ? (
              <form method="post" action={`${base}/updates/${update.id}/comments`} class="stack" novalidate>
                <div class="field">
                  <label for="comment-body">Add a comment</label>
                  <textarea id="comment-body" name="body" rows="3" aria-describedby="comment-hint" />
                  <p id="comment-hint" class="hint small muted">
                    Mention someone with @name (the part of their email before the @) to notify them.
                  </p>
                </div>
                <div class="row">
                  <button type="submit" class="button">
                    Comment
                  </button>
                </div>
              </form>
            ) : null}
          </section>
        </>,
        { title: `Update by ${authorName}` },
      );
    },
    { keepRendered: true },
  );

  // The whole update as a fragment, for "Full update" in the feed (htmx); a page when opened directly.
  r.get("/updates/:id/body", "member", async (c, s) => {
    const { update } = await loadUpdate(s, c.req.param("id"));
    if (c.req.header("HX-Request") !== "true") return s.redirect(`${base}/updates/${update.id}`);
    // bodyHtml was sanitized by renderMarkdown when the update was written.
    return c.html(String(update.bodyHtml ? raw(update.bodyHtml) : renderMarkdown(update.body)));
  });

  r.post("/updates/:id/comments", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const { update } = await loadUpdate(s, c.req.param("id"));
    if (update.status !== "posted") throw new HttpError(409, "Drafts take no comments.");
    const form = await readForm(c, z.object({ body: commentBody }));
    if (!form.ok) throw new HttpError(422, form.errors.body ?? "Write a comment.");
    const comment = await addComment(s, update, {
      authorId: viewer.id,
      authorName: viewer.name,
      body: form.data.body,
      at: s.clock.now(),
    });
    s.flash("success", "Comment added.");
    return s.redirect(`${base}/updates/${update.id}#comment-${comment.id}`);
  });

  r.post("/updates/:id/read", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const { update } = await loadUpdate(s, c.req.param("id"));
    if (update.status !== "posted") throw new HttpError(409, "Drafts cannot be marked read.");
    await acknowledge(s.db, update.id, viewer.id, s.clock.now());
    return s.redirect(`${base}/updates/${update.id}`);
  });

  r.get("/search", "member", async (c, s) => {
    const q = (c.req.query("q") ?? "").slice(0, 200);
    const teams = await visibleTeams(s);
    const hits = await searchUpdates(
      s.db,
      q,
      teams.map((t) => t.id),
    );
    return s.page(
      <>
        <PageHeader title="Search updates" />
        <search>
          <form method="get" action={`${base}/search`} class="filter-row status-updates-search">
            <label for="status-updates-q" class="visually-hidden">
              Search updates
            </label>
            <input id="status-updates-q" type="search" name="q" value={q} placeholder="Search updates and comments" />
            <button type="submit" class="button">
              Search
            </button>
          </form>
        </search>
        <SearchResults hits={hits} query={q} />
      </>,
      { title: "Search updates" },
    );
  });

  teamSettingsRoutes(r);
}
