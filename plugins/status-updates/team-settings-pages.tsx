// A team's check-in settings (its managers) and its participation analytics.
import { z } from "zod";
import {
  type FieldErrors,
  FormErrors,
  membersOf,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { managedTeam, readableTeam, type VisibleTeam } from "./access.ts";
import { type AnalyticsView, TrendChart, teamAnalytics } from "./analytics.tsx";
import { type Checkin, checkinOf, defaultQuestions, questionsFromLines, saveCheckin } from "./checkins.ts";
import { missingFor } from "./feed.ts";
import { periodAt } from "./period.ts";
import { formValue } from "./posting.ts";
import type { StatusSettings } from "./settings.ts";
import { base } from "./views.tsx";

type S = RequestServices<StatusSettings>;

const weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The team pages: check-in settings and analytics. */
export function teamSettingsRoutes(r: PluginRoutes<StatusSettings>): void {
  r.get("/teams/:teamId/settings", "member", async (c, s) => {
    const team = await managedTeam(s, c.req.param("teamId"));
    return settingsPage(s, team, await checkinOf(s.db, team), {});
  });

  r.post("/teams/:teamId/settings", "member", async (c, s) => {
    const viewer = requireViewer(s);
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
  const v = (k: string, fallback: string): string => (values[k] !== undefined ? formValue(values[k]) : fallback);
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
