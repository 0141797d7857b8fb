import { eq } from "drizzle-orm";
import { z } from "zod";
import {
  ActionButton,
  EmptyState,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  membersOf,
  PageHeader,
  type PluginRoutes,
  people,
  type RequestServices,
  raw,
  readForm,
  renderMarkdown,
  type SafeHtml,
  Select,
  type WritingHint,
} from "../../server/plugin-api.ts";
import { managedTeam, readableTeam, type VisibleTeam, visibleTeams } from "./access.ts";
import { type AnalyticsView, TrendChart, teamAnalytics } from "./analytics.tsx";
import { type Checkin, checkinOf, defaultQuestions, questionsFromLines, saveCheckin } from "./checkins.ts";
import { feedPage, missingFor } from "./feed.ts";
import { isPeriodKey, periodAt, periodLabel } from "./period.ts";
import {
  cleanAnswer,
  commentBody,
  editPostedUpdate,
  loadUpdate,
  memberTeam,
  postTeamUpdate,
  requireEditable,
  viewerOf,
} from "./posting.ts";
import type { Question } from "./schema.ts";
import { searchUpdates } from "./search.ts";
import type { StatusSettings } from "./settings.ts";
import {
  acknowledge,
  addComment,
  askOf,
  byteLength,
  commentsOf,
  compose,
  editHistory,
  MAX_UPDATE_BYTES,
  readersOf,
  saveDraft,
  type Update,
  updateFor,
} from "./updates.ts";
import { base, Composer, HintsPanel, SavedNote, SearchResults, UpdateCard } from "./views.tsx";

type S = RequestServices<StatusSettings>;

const MAX_LINT_CHARS = 20_000;
const weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

function one(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/** Other plugins' panels beside the hints (a writing partner's review, …), for the draft as it stands. */
async function panelsFor(
  s: S,
  team: VisibleTeam,
  period: string,
  questions: Question[],
  answers: Record<string, string>,
): Promise<SafeHtml> {
  const c = compose(questions, answers);
  return s.editorPanels({
    editor: "status-update",
    ref: `${team.id}:${period}`,
    teamId: team.id,
    authorId: viewerOf(s).id,
    text: c.body,
    bottomLine: c.bottomLine,
    link: `${base}/write?team=${team.id}`,
  });
}

/** The linter, per question kind: the bottom line must lead, the ask must be addressed and dated. */
function hintsFor(s: S, q: Question, text: string): WritingHint[] {
  // Live linting is for prose people are writing; an oversized answer is refused elsewhere.
  if (text.length > MAX_LINT_CHARS) return [];
  const kind = q.kind === "bottom-line" ? "bottom-line" : q.kind === "ask" ? "ask" : "prose";
  return s.writing.lint(text, { kind });
}

function answersFrom(values: Record<string, string | string[]>, questions: Question[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const q of questions) {
    const text = cleanAnswer(one(values[`q-${q.key}`]));
    if (text.trim()) answers[q.key] = text;
  }
  return answers;
}

const teamForm = z.object({ teamId: z.uuid("Choose a team.") });

async function composerPage(
  s: S,
  team: VisibleTeam,
  checkin: Checkin,
  opts: { answers?: Record<string, string>; errors?: FieldErrors; update?: Update | null },
): Promise<Response> {
  const viewer = viewerOf(s);
  const period = periodAt(checkin, s.clock.now());
  const existing = opts.update ?? null;
  const editing = existing?.status === "posted";
  const answers = opts.answers ?? existing?.answers ?? {};
  const errors = opts.errors ?? {};
  return s.page(
    <>
      <PageHeader title={editing ? "Edit your update" : "Write your update"}>
        <a class="button button-secondary" href={`${base}?team=${team.id}`}>
          Team feed
        </a>
      </PageHeader>
      <Composer
        action={editing && existing ? `${base}/updates/${existing.id}/edit` : `${base}/updates`}
        teamId={team.id}
        teamName={team.name}
        period={existing?.period ?? period.key}
        dueAt={existing?.dueAt ?? period.dueAt}
        timeZone={viewer.timeZone}
        questions={checkin.questions}
        answers={answers}
        errors={errors}
        mode={editing ? "edit" : "new"}
        savedAt={existing && !editing ? existing.updatedAt : null}
        hints={
          <HintsPanel
            questions={checkin.questions}
            answers={answers}
            hintsFor={(q, t) => hintsFor(s, q, t)}
            panels={editing ? undefined : await panelsFor(s, team, period.key, checkin.questions, answers)}
          />
        }
      />
    </>,
    { title: editing ? "Edit update" : "Write update", status: Object.keys(errors).length ? 422 : 200 },
  );
}

export function statusPages(r: PluginRoutes<StatusSettings>): void {
  // The team feed: periods newest first, a page of periods at a time.
  r.get("/", "member", async (c, s) => {
    const viewer = viewerOf(s);
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
            <input id="f-period" name="period" value={periodFilter} placeholder={current.key} pattern="\d{4}-W\d{2}" />
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
  });

  r.get("/write", "member", async (c, s) => {
    const viewer = viewerOf(s);
    const teams = (await visibleTeams(s)).filter((t) => t.isMember);
    const team = await memberTeam(s, c.req.query("team") || teams[0]?.id);
    const checkin = await checkinOf(s.db, team);
    const existing = await updateFor(s.db, team.id, viewer.id, periodAt(checkin, s.clock.now()).key);
    if (existing?.status === "posted") return s.redirect(`${base}/updates/${existing.id}/edit`);
    return composerPage(s, team, checkin, { update: existing });
  });

  // Live lint: the hints fragment for the composer (htmx), re-rendered as people type.
  r.post("/lint", "member", async (c, s) => {
    const form = await readForm(c, teamForm);
    if (!form.ok) throw new HttpError(422, "Choose a team.");
    const team = await memberTeam(s, form.data.teamId);
    const checkin = await checkinOf(s.db, team);
    const answers = answersFrom(form.values, checkin.questions);
    if (byteLength(answers) > MAX_UPDATE_BYTES) throw new HttpError(413, "The update is over 100 KB.");
    const period = periodAt(checkin, s.clock.now());
    const panels = await panelsFor(s, team, period.key, checkin.questions, answers);
    return c.html(
      String(
        <HintsPanel
          questions={checkin.questions}
          answers={answers}
          hintsFor={(q, t) => hintsFor(s, q, t)}
          panels={panels}
        />,
      ),
    );
  });

  // Autosave: stores the draft for the current period, answers a short "saved" note.
  r.post("/drafts", "member", async (c, s) => {
    const viewer = viewerOf(s);
    const form = await readForm(c, teamForm);
    if (!form.ok) throw new HttpError(422, "Choose a team.");
    const team = await memberTeam(s, form.data.teamId);
    const checkin = await checkinOf(s.db, team);
    const answers = answersFrom(form.values, checkin.questions);
    if (byteLength(answers) > MAX_UPDATE_BYTES) throw new HttpError(413, "The draft is over 100 KB and was not saved.");
    const now = s.clock.now();
    const period = periodAt(checkin, now);
    const saved = await saveDraft(s.db, {
      teamId: team.id,
      authorId: viewer.id,
      period: period.key,
      dueAt: period.dueAt,
      questions: checkin.questions,
      answers,
      at: now,
    });
    if (!saved) return c.html("Already posted for this period: edit the posted update instead.");
    return c.html(String(<SavedNote at={now} timeZone={viewer.timeZone} />));
  });

  r.post("/updates", "member", async (c, s) => {
    const form = await readForm(c, teamForm);
    if (!form.ok) throw new HttpError(422, "Choose a team to post to.");
    const team = await memberTeam(s, form.data.teamId);
    const checkin = await checkinOf(s.db, team);
    const answers = answersFrom(form.values, checkin.questions);
    const result = await postTeamUpdate(s, team, checkin, answers);
    if (!result.ok) return composerPage(s, team, checkin, { answers, errors: result.errors });
    const posted = result.update;
    const hints = checkin.questions.flatMap((q) => (answers[q.key] ? hintsFor(s, q, answers[q.key] as string) : []));
    s.flash(
      "success",
      hints.length
        ? `Posted. The writing linter has ${hints.length} suggestion${hints.length === 1 ? "" : "s"} for next time (see below).`
        : "Posted. Clear writing: bottom line first.",
    );
    return s.redirect(`${base}/updates/${posted.id}`);
  });

  r.get("/updates/:id", "member", async (c, s) => {
    const viewer = viewerOf(s);
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
      ? checkin.questions.flatMap((q) => (update.answers[q.key] ? hintsFor(s, q, update.answers[q.key] as string) : []))
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
  });

  // The whole update as a fragment, for "Full update" in the feed (htmx); a page when opened directly.
  r.get("/updates/:id/body", "member", async (c, s) => {
    const { update } = await loadUpdate(s, c.req.param("id"));
    if (c.req.header("HX-Request") !== "true") return s.redirect(`${base}/updates/${update.id}`);
    // bodyHtml was sanitized by renderMarkdown when the update was written.
    return c.html(String(update.bodyHtml ? raw(update.bodyHtml) : renderMarkdown(update.body)));
  });

  r.get("/updates/:id/edit", "member", async (c, s) => {
    const { update, team } = await loadUpdate(s, c.req.param("id"));
    if (update.authorId !== viewerOf(s).id) throw new HttpError(403, "Only the author can edit an update.");
    if (update.status !== "posted") return s.redirect(`${base}/write?team=${team.id}`);
    return composerPage(s, team, await checkinOf(s.db, team), { update });
  });

  r.post("/updates/:id/edit", "member", async (c, s) => {
    const { update, team } = await loadUpdate(s, c.req.param("id"));
    requireEditable(s, update);
    const checkin = await checkinOf(s.db, team);
    const form = await readForm(c, z.object({}));
    const answers = answersFrom(form.values, checkin.questions);
    const result = await editPostedUpdate(s, update, checkin, answers);
    if (!result.ok) return composerPage(s, team, checkin, { answers, errors: result.errors, update });
    s.flash("success", "Update saved; the previous version is in the edit history.");
    return s.redirect(`${base}/updates/${update.id}`);
  });

  r.post("/updates/:id/comments", "member", async (c, s) => {
    const viewer = viewerOf(s);
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
    const viewer = viewerOf(s);
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

  r.get("/teams/:teamId/settings", "member", async (c, s) => {
    const team = await managedTeam(s, c.req.param("teamId"));
    return settingsPage(s, team, await checkinOf(s.db, team), {});
  });

  r.post("/teams/:teamId/settings", "member", async (c, s) => {
    const viewer = viewerOf(s);
    const team = await managedTeam(s, c.req.param("teamId"));
    const members = await membersOf(s.db, team.id);
    const form = await readForm(c, checkinForm);
    const current = await checkinOf(s.db, team);
    if (!form.ok) return settingsPage(s, team, current, form.errors, form.values);
    const questions = questionsFromLines(form.data.questions);
    const excluded = (Array.isArray(form.values.excluded) ? form.values.excluded : [form.values.excluded ?? ""]).filter(
      (id) => members.some((m) => m.id === id),
    );
    await saveCheckin(
      s.db,
      {
        teamId: team.id,
        cadence: form.data.cadence,
        weekday: form.data.weekday,
        time: form.data.time,
        questions,
        excludedIds: excluded,
      },
      viewer.id,
      s.clock.now(),
    );
    s.flash("success", "Check-in saved.");
    return s.redirect(`${base}/teams/${team.id}/settings`);
  });

  r.get("/teams/:teamId/analytics", "member", async (c, s) => {
    const team = await readableTeam(s, c.req.param("teamId"));
    const checkin = await checkinOf(s.db, team);
    const view = await teamAnalytics(s.db, checkin, s.clock.now());
    const current = periodAt(checkin, s.clock.now());
    const missing = team.isManager ? await missingFor(s.db, team.id, current.key, checkin.excludedIds) : null;
    return s.page(<AnalyticsPage team={team} view={view} missing={missing} now={s.clock.now()} s={s} />, {
      title: `Analytics · ${team.name}`,
    });
  });
}

const checkinForm = z.object({
  cadence: z.enum(["weekly", "biweekly"], "Choose weekly or every two weeks."),
  weekday: z.coerce.number("Choose a weekday.").int().min(1, "Choose a weekday.").max(7, "Choose a weekday."),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "A time like 15:00."),
  questions: z
    .string()
    .max(2000, "Keep the questions under 2,000 characters.")
    .refine((v) => questionsFromLines(v).length > 0, "Ask at least one question (one per line)."),
});

async function settingsPage(
  s: S,
  team: VisibleTeam,
  checkin: Checkin,
  errors: FieldErrors,
  values: Record<string, string | string[]> = {},
): Promise<Response> {
  const members = await membersOf(s.db, team.id);
  const v = (k: string, fallback: string): string => (values[k] !== undefined ? one(values[k]) : fallback);
  return s.page(
    <>
      <PageHeader title={`Check-in · ${team.name}`}>
        <a class="button button-secondary" href={`${base}?team=${team.id}`}>
          Team feed
        </a>
      </PageHeader>
      <form method="post" action={`${base}/teams/${team.id}/settings`} class="card stack" novalidate>
        <FormErrors errors={errors} />
        <Select
          label="Cadence"
          name="cadence"
          value={v("cadence", checkin.cadence)}
          error={errors.cadence}
          options={[
            { value: "weekly", label: "Weekly" },
            { value: "biweekly", label: "Every two weeks" },
          ]}
        />
        <Select
          label="Due on"
          name="weekday"
          value={v("weekday", String(checkin.weekday))}
          error={errors.weekday}
          options={weekdayNames.map((d, i) => ({ value: String(i + 1), label: d }))}
        />
        <div class={errors.time ? "field has-error" : "field"}>
          <label for="f-time">Due at (team time, {team.timeZone})</label>
          <input id="f-time" name="time" type="time" value={v("time", checkin.time)} />
          {errors.time ? <p class="error small">{errors.time}</p> : null}
        </div>
        <div class={errors.questions ? "field has-error" : "field"}>
          <label for="f-questions">Questions, one per line</label>
          <textarea id="f-questions" name="questions" rows="6" aria-describedby="f-questions-hint">
            {v("questions", checkin.questions.map((q) => q.label).join("\n"))}
          </textarea>
          <p id="f-questions-hint" class="hint small muted">
            The first line is the bottom line. A line with “Ask” is the ask (addressed with @name); a line with “risk”
            or “blocker” counts towards open blockers. Default: {defaultQuestions.map((q) => q.label).join(" · ")}.
          </p>
          {errors.questions ? <p class="error small">{errors.questions}</p> : null}
        </div>
        <fieldset>
          <legend>Who is asked</legend>
          <p class="hint small muted">Everyone on the team is asked unless you untick them.</p>
          {members
            .filter((m) => m.status === "active")
            .map((m) => (
              <label class="row">
                <input type="checkbox" name="excluded" value={m.id} checked={checkin.excludedIds.includes(m.id)} />
                Skip {m.name}
              </label>
            ))}
        </fieldset>
        <div class="row">
          <button type="submit" class="button">
            Save check-in
          </button>
        </div>
      </form>
    </>,
    { title: "Check-in settings", status: Object.keys(errors).length ? 422 : 200 },
  );
}

function AnalyticsPage(props: {
  team: VisibleTeam;
  view: AnalyticsView;
  missing: { id: string; name: string; timeZone: string }[] | null;
  now: Date;
  s: S;
}): SafeHtml {
  const { view } = props;
  const last = view.rows[view.rows.length - 1];
  return (
    <>
      <PageHeader title={`Analytics · ${props.team.name}`}>
        <a class="button button-secondary" href={`${base}?team=${props.team.id}`}>
          Team feed
        </a>
      </PageHeader>
      <div class="cards">
        <section class="card">
          <h2>This period</h2>
          <p>
            <strong>{last ? `${last.participation}%` : "—"}</strong> participation ({last?.posted ?? 0} of {view.asked})
          </p>
          <p>
            <strong>{last ? `${last.onTimeRate}%` : "—"}</strong> on time
          </p>
          <p>
            <strong>{last?.blockers ?? 0}</strong> open blocker{last?.blockers === 1 ? "" : "s"}
          </p>
        </section>
        {props.missing ? (
          <section class="card" aria-labelledby="missing-h">
            <h2 id="missing-h">Who hasn't written yet</h2>
            {props.missing.length ? (
              <ul class="plain-list">
                {props.missing.map((m) => (
                  <li>
                    {m.name} <span class="muted small">({m.timeZone})</span>
                  </li>
                ))}
              </ul>
            ) : (
              <p>Everyone has posted.</p>
            )}
          </section>
        ) : null}
      </div>
      <section class="card" aria-labelledby="trend-h">
        <h2 id="trend-h">12-week trend</h2>
        <TrendChart view={view} />
      </section>
    </>
  );
}
