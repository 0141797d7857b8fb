import { and, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { HttpError, PageHeader, type PluginRoutes, people, readForm } from "../../server/plugin-api.ts";
import { canManage, canSee, type Services, uuidParam, visibleTeamIds } from "./access.ts";
import { seriesViews } from "./analysis.ts";
import { categoryGroups, categoryLabels } from "./classify.ts";
import { money } from "./routes.tsx";
import { categories, meetingSeries, pollAnswers } from "./schema.ts";
import type { CalendarAuditSettings } from "./settings.ts";

const overrideSchema = z.object({ category: z.enum(categories, "Choose a kind of meeting.") });
const answerSchema = z.object({
  answer: z.enum(["yes", "no", "unsure"], "Choose an answer."),
  comment: z.string().trim().max(500, "Keep the comment under 500 characters.").default(""),
});
const outcomeSchema = z.object({
  outcome: z.enum(["active", "converted", "killed"], "Choose what happened."),
  on: z.iso.date("Give the date, like 2026-04-01."),
});

async function load(s: Services, rawId: string | undefined) {
  const id = uuidParam(rawId, "meeting");
  const settings = await s.settings();
  const [view] = await seriesViews(s.db, settings, {
    now: s.clock.now(),
    seriesId: id,
    recurringOnly: false,
    ...(s.viewer ? { viewerId: s.viewer.id } : {}),
  });
  if (!view || !canSee(s, view.series, await visibleTeamIds(s))) throw new HttpError(404, "No such meeting.");
  return { view, settings };
}

export function seriesPages(r: PluginRoutes<CalendarAuditSettings>): void {
  r.get(
    "/series/:id",
    "member",
    async (c, s) => {
      const { view, settings } = await load(s, c.req.param("id"));
      const v = view.series;
      const manage = await canManage(s, v);
      const email = s.viewer?.email.toLowerCase() ?? "";
      const invited = v.attendees.some((a) => a.email === email);
      const [mine] = s.viewer
        ? await s.db
            .select()
            .from(pollAnswers)
            .where(and(eq(pollAnswers.seriesId, v.id), eq(pollAnswers.personId, s.viewer.id)))
        : [];
      const rec = view.recommendation;
      const answered = view.poll.yes + view.poll.no + view.poll.unsure;
      return s.page(
        <>
          <PageHeader title={v.summary} />
          <div class="split align-start">
            <section class="card" aria-labelledby="ca-facts">
              <h2 id="ca-facts">The meeting</h2>
              <dl class="calendar-audit-facts">
                <dt>Cadence</dt>
                <dd>
                  {v.cadence}
                  {v.recurring && !v.hasEnd ? " (no end date)" : ""}
                </dd>
                <dt>Length</dt>
                <dd>{v.durationMinutes} min</dd>
                <dt>Attendees</dt>
                <dd>
                  {view.internal} inside, {view.external} outside, {view.declined} declined
                  {v.attendeeTotal > v.attendees.length
                    ? ` (${v.attendeeTotal} invited; the first ${v.attendees.length} listed)`
                    : ""}
                </dd>
                <dt>Attendee-hours per week</dt>
                <dd>{view.attendeeHoursPerWeek.toFixed(1)} h</dd>
                <dt>Cost per month</dt>
                <dd>
                  {money(view.costPerMonth, settings.currency)} plus {money(view.focusCostPerMonth, settings.currency)}{" "}
                  of lost focus time
                </dd>
                <dt>Flags</dt>
                <dd>{view.flags.join(" · ") || "none"}</dd>
                {v.rooms.length ? (
                  <>
                    <dt>Rooms and resources</dt>
                    <dd>{v.rooms.join(", ")}</dd>
                  </>
                ) : null}
              </dl>
            </section>
            <section class="card" aria-labelledby="ca-verdict">
              <h2 id="ca-verdict">Recommendation: {rec.action}</h2>
              <p>
                {categoryLabels[view.category]} ({categoryGroups[view.category]}){" "}
                {v.overrideCategory
                  ? "— set by a manager"
                  : `— ${Math.round(v.confidence * 100)} % sure: ${v.reasons.join("; ")}`}
              </p>
              <p>Why: {rec.reason}.</p>
              {rec.practice ? (
                <p>
                  Instead: {rec.practice}
                  {rec.link ? (
                    <>
                      {" "}
                      (<a href={rec.link}>open</a>)
                    </>
                  ) : null}
                  .
                </p>
              ) : null}
              {v.outcome !== "active" ? (
                <p>
                  <span class="badge">{v.outcome}</span> on {v.outcomeOn}
                </p>
              ) : null}
              {manage ? (
                <>
                  <form method="post" action={`/calendar-audit/series/${v.id}/classify`} class="calendar-audit-inline">
                    <label for="ca-category">Kind of meeting</label>
                    <select id="ca-category" name="category">
                      {categories.map((k) => (
                        <option value={k} selected={k === view.category}>
                          {categoryLabels[k]}
                        </option>
                      ))}
                    </select>
                    <button type="submit" class="button-small">
                      Save
                    </button>
                  </form>
                  <form method="post" action={`/calendar-audit/series/${v.id}/outcome`} class="calendar-audit-inline">
                    <label for="ca-outcome">Mark as</label>
                    <select id="ca-outcome" name="outcome">
                      <option value="converted">converted</option>
                      <option value="killed">killed</option>
                      <option value="active">still running</option>
                    </select>
                    <label for="ca-on">on</label>
                    <input id="ca-on" type="date" name="on" value={s.clock.now().toISOString().slice(0, 10)} />
                    <button type="submit" class="button-small">
                      Save
                    </button>
                  </form>
                </>
              ) : null}
            </section>
          </div>
          <section class="card" aria-labelledby="ca-poll">
            <h2 id="ca-poll">Would you miss this meeting?</h2>
            {answered ? (
              <p>
                {view.poll.yes} would miss it, {view.poll.no} would not, {view.poll.unsure} unsure ({answered} of{" "}
                {v.attendees.length} answered).
              </p>
            ) : (
              <p class="muted">No answers yet.</p>
            )}
            {invited && s.viewer ? (
              <form method="post" action={`/calendar-audit/series/${v.id}/answer`} class="stack">
                <fieldset class="calendar-audit-choices">
                  <legend>Your answer{mine ? ` (you said ${mine.answer})` : ""}</legend>
                  <label>
                    <input type="radio" name="answer" value="yes" checked={mine?.answer === "yes"} /> Yes, I would miss
                    it
                  </label>
                  <label>
                    <input type="radio" name="answer" value="no" checked={mine?.answer === "no"} /> No
                  </label>
                  <label>
                    <input type="radio" name="answer" value="unsure" checked={mine?.answer === "unsure"} /> Not sure
                  </label>
                </fieldset>
                <div class="field">
                  <label for="ca-comment">Comment (optional)</label>
                  <input id="ca-comment" name="comment" value={mine?.comment ?? ""} />
                </div>
                <button type="submit">Answer</button>
              </form>
            ) : null}
            {manage ? (
              <form method="post" action={`/calendar-audit/series/${v.id}/poll`} class="calendar-audit-ask">
                <button type="submit" class="button-secondary">
                  {v.pollSentAt ? "Ask attendees again" : "Ask the attendees"}
                </button>
              </form>
            ) : null}
          </section>
        </>,
        { title: v.summary },
      );
    },
    { keepRendered: true },
  );

  r.post("/series/:id/classify", "manager", async (c, s) => {
    const { view } = await load(s, c.req.param("id"));
    if (!(await canManage(s, view.series))) throw new HttpError(403, "Only a manager of this team can reclassify it.");
    const form = await readForm(c, overrideSchema);
    if (!form.ok) throw new HttpError(422, form.errors.category ?? "Choose a kind of meeting.");
    await s.db
      .update(meetingSeries)
      .set({ overrideCategory: form.data.category, overrideBy: s.viewer?.id ?? null, overrideAt: s.clock.now() })
      .where(eq(meetingSeries.id, view.series.id));
    s.flash("success", `Marked as ${categoryLabels[form.data.category]}.`);
    return s.redirect(`/calendar-audit/series/${view.series.id}`);
  });

  r.post("/series/:id/outcome", "manager", async (c, s) => {
    const { view } = await load(s, c.req.param("id"));
    if (!(await canManage(s, view.series))) throw new HttpError(403, "Only a manager of this team can change this.");
    const form = await readForm(c, outcomeSchema);
    if (!form.ok) throw new HttpError(422, Object.values(form.errors)[0] ?? "Check the form.");
    await s.db
      .update(meetingSeries)
      .set({ outcome: form.data.outcome, outcomeOn: form.data.outcome === "active" ? null : form.data.on })
      .where(eq(meetingSeries.id, view.series.id));
    s.flash("success", "Saved.");
    return s.redirect(`/calendar-audit/series/${view.series.id}`);
  });

  r.post("/series/:id/answer", "member", async (c, s) => {
    const { view } = await load(s, c.req.param("id"));
    const viewer = s.viewer;
    if (!viewer || !view.series.attendees.some((a) => a.email === viewer.email.toLowerCase())) {
      throw new HttpError(403, "Only attendees answer this poll.");
    }
    const form = await readForm(c, answerSchema);
    if (!form.ok) throw new HttpError(422, Object.values(form.errors)[0] ?? "Choose an answer.");
    const now = s.clock.now();
    await s.db
      .insert(pollAnswers)
      .values({ seriesId: view.series.id, personId: viewer.id, ...form.data, answeredAt: now })
      .onConflictDoUpdate({
        target: [pollAnswers.seriesId, pollAnswers.personId],
        set: { answer: form.data.answer, comment: form.data.comment, answeredAt: now },
      });
    s.flash("success", "Thanks, your answer is in.");
    return s.redirect(`/calendar-audit/series/${view.series.id}`);
  });

  r.post("/series/:id/poll", "manager", async (c, s) => {
    const { view } = await load(s, c.req.param("id"));
    if (!(await canManage(s, view.series))) throw new HttpError(403, "Only a manager of this team can ask.");
    const emails = view.series.attendees.map((a) => a.email);
    const now = s.clock.now();
    const sent = await s.transaction(async (tx) => {
      const found = emails.length
        ? await tx
            .select({ id: people.id })
            .from(people)
            .where(and(inArray(sql`lower(${people.email})`, emails), eq(people.status, "active")))
        : [];
      let n = 0;
      for (const p of found) {
        const queued = await s.notify(tx, {
          personId: p.id,
          title: `Would you miss "${view.series.summary}"?`,
          body: "One click: tell us whether this recurring meeting is worth your time. Answers are shown as totals.",
          link: `/calendar-audit/series/${view.series.id}`,
          dedupeKey: `calendar-audit:poll:${view.series.id}:${p.id}:${now.toISOString().slice(0, 10)}`,
          kind: "invitation",
        });
        if (queued) n++;
      }
      await tx.update(meetingSeries).set({ pollSentAt: now }).where(eq(meetingSeries.id, view.series.id));
      return n;
    });
    s.flash("success", `Asked ${sent} ${sent === 1 ? "attendee" : "attendees"}.`);
    return s.redirect(`/calendar-audit/series/${view.series.id}`);
  });
}
