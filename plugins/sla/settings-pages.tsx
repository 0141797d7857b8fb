// A team's business calendar, holidays and webhook tokens (its managers and admins).
import { z } from "zod";
import {
  ActionButton,
  type FieldErrors,
  FormErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  timeZoneField,
} from "../../server/plugin-api.ts";
import { checkUuid, type TeamAccess, teamAccess } from "./access.ts";
import {
  addHoliday,
  calendarSpec,
  deleteHoliday,
  formatDay,
  holidaysOf,
  parseWeek,
  saveCalendar,
  weekdayNames,
} from "./calendars.ts";
import type { SlaSettings } from "./settings.ts";
import { TeamNav } from "./views.tsx";
import { createWebhookToken, revokeWebhookToken, tokensOf } from "./webhook-tokens.ts";

type S = RequestServices<SlaSettings>;

async function settingsPage(
  s: S,
  access: TeamAccess,
  options: { errors?: FieldErrors; values?: Record<string, string>; newToken?: string; status?: 201 | 409 } = {},
): Promise<Response> {
  const { team } = access;
  const spec = await calendarSpec(s.db, team.id);
  const errors = options.errors ?? {};
  const values = options.values ?? {};
  const holidays = await holidaysOf(s.db, team.id);
  const tokens = await tokensOf(s.db, team.id);
  return s.page(
    <>
      <PageHeader title={`Business calendar and webhooks: ${team.name}`} />
      <TeamNav teamId={team.id} canManage={true} current="settings" />
      {options.newToken ? (
        <div class="alert alert-success" role="status">
          <p>Copy this token now; it will not be shown again.</p>
          <p class="sla-token">{options.newToken}</p>
        </div>
      ) : null}
      <section class="card" aria-labelledby="calendar">
        <h2 id="calendar">Open hours</h2>
        <form method="post" action={`/sla/teams/${team.id}/calendar`} class="stack" novalidate>
          <FormErrors errors={errors} />
          <div class={errors.timeZone ? "field has-error" : "field"}>
            <label for="f-timeZone">Time zone</label>
            <input id="f-timeZone" name="timeZone" value={values.timeZone ?? spec?.timeZone ?? team.timeZone} />
            {errors.timeZone ? <p class="field-error">{errors.timeZone}</p> : null}
          </div>
          {weekdayNames.map((name, i) => {
            const key = `day${i + 1}`;
            return (
              <div class={errors[key] ? "field has-error" : "field"}>
                <label for={`f-${key}`}>{name}</label>
                <input
                  id={`f-${key}`}
                  name={key}
                  placeholder="closed"
                  value={values[key] ?? formatDay(spec?.open[i + 1])}
                  aria-describedby="f-hours-hint"
                />
                {errors[key] ? <p class="field-error">{errors[key]}</p> : null}
              </div>
            );
          })}
          <p id="f-hours-hint" class="small muted">
            Intervals like 09:00-12:30, 13:30-17:30; blank for closed.
          </p>
          <div>
            <button type="submit">Save open hours</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="holidays">
        <h2 id="holidays">Holidays</h2>
        <ul class="plain-list">
          {holidays.map((h) => (
            <li>
              {h.day} — {h.name}{" "}
              {h.source === "sla" ? (
                <ActionButton action={`/sla/teams/${team.id}/holidays/${h.id}/delete`} label="Remove" danger />
              ) : (
                <span class="muted small">(team holiday)</span>
              )}
            </li>
          ))}
        </ul>
        <form method="post" action={`/sla/teams/${team.id}/holidays`} class="row" novalidate>
          <div class={errors.day ? "field has-error" : "field"}>
            <label for="f-day">Day</label>
            <input id="f-day" name="day" type="date" value={values.day ?? ""} />
            {errors.day ? <p class="field-error">{errors.day}</p> : null}
          </div>
          <div class={errors.name ? "field has-error" : "field"}>
            <label for="f-name">Name</label>
            <input id="f-name" name="name" value={values.name ?? ""} />
            {errors.name ? <p class="field-error">{errors.name}</p> : null}
          </div>
          <div>
            <button type="submit">Add holiday</button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="tokens">
        <h2 id="tokens">Webhook tokens</h2>
        <p class="small">
          A git host or another tool starts a clock with <code>POST {s.baseUrl}/api/sla/asks</code> and stops it with{" "}
          <code>POST /api/sla/asks/&lt;externalId&gt;/responses</code>, sending{" "}
          <code>Authorization: Bearer &lt;token&gt;</code>.
        </p>
        <ul class="plain-list">
          {tokens.map((t) => (
            <li>
              <strong>{t.name}</strong> <span class="sla-token">{t.prefix}…</span>{" "}
              {t.revokedAt ? (
                <span class="muted">revoked</span>
              ) : (
                <ActionButton action={`/sla/teams/${team.id}/tokens/${t.id}/revoke`} label="Revoke" danger />
              )}
            </li>
          ))}
        </ul>
        <form method="post" action={`/sla/teams/${team.id}/tokens`} class="row" novalidate>
          <div class={errors.tokenName ? "field has-error" : "field"}>
            <label for="f-tokenName">Token name</label>
            <input id="f-tokenName" name="tokenName" placeholder="e.g. Git reviews" value={values.tokenName ?? ""} />
            {errors.tokenName ? <p class="field-error">{errors.tokenName}</p> : null}
          </div>
          <div>
            <button type="submit">Create token</button>
          </div>
        </form>
      </section>
    </>,
    { title: `SLA settings · ${team.name}`, status: options.status ?? (Object.keys(errors).length ? 422 : 200) },
  );
}

const flatValues = (values: Record<string, string | string[]>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : v]));

const calendarSchema = z.object({
  timeZone: timeZoneField(),
  ...Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [`day${d}`, z.string().max(300).optional().default("")])),
});

const holidaySchema = z.object({
  day: z.iso.date("Give a date like 2026-12-24."),
  name: z.string().trim().min(1, "Name the holiday.").max(100),
});

const tokenSchema = z.object({ tokenName: z.string().trim().min(1, "Name the token.").max(80) });

/** The team settings page and its forms. */
export function slaSettingsRoutes(r: PluginRoutes<SlaSettings>): void {
  r.get("/teams/:teamId/settings", "member", async (c, s) =>
    settingsPage(s, await teamAccess(s, c.req.param("teamId"), "manage")),
  );

  r.post("/teams/:teamId/calendar", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, calendarSchema);
    const values = flatValues(form.values);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values });
    const data = form.data as Record<string, string>;
    const week = parseWeek(Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, data[`day${d}`] ?? ""])));
    if (!week.ok) return settingsPage(s, access, { errors: week.errors, values });
    await saveCalendar(s.db, {
      teamId: access.team.id,
      timeZone: data.timeZone as string,
      open: week.open,
      at: s.clock.now(),
    });
    s.flash("success", "Open hours saved. New and resumed clocks use them.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/holidays", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, holidaySchema);
    const values = flatValues(form.values);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values });
    if (!(await addHoliday(s.db, { teamId: access.team.id, ...form.data })))
      return settingsPage(s, access, { errors: { day: "That day is already a holiday." }, values, status: 409 });
    s.flash("success", "Holiday added.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/holidays/:id/delete", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    if (!(await deleteHoliday(s.db, access.team.id, checkUuid(c.req.param("id"), "holiday"))))
      throw new HttpError(404, "There is no such holiday.");
    s.flash("success", "Holiday removed.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });

  r.post("/teams/:teamId/tokens", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    const form = await readForm(c, tokenSchema);
    if (!form.ok) return settingsPage(s, access, { errors: form.errors, values: flatValues(form.values) });
    const { token } = await createWebhookToken(s.db, {
      teamId: access.team.id,
      name: form.data.tokenName,
      actorId: s.viewer?.id ?? "",
      at: s.clock.now(),
    });
    return settingsPage(s, access, { newToken: token, status: 201 });
  });

  r.post("/teams/:teamId/tokens/:id/revoke", "member", async (c, s) => {
    const access = await teamAccess(s, c.req.param("teamId"), "manage");
    if (!(await revokeWebhookToken(s.db, access.team.id, checkUuid(c.req.param("id"), "token"), s.clock.now())))
      throw new HttpError(404, "There is no such active token.");
    s.flash("success", "Token revoked.");
    return s.redirect(`/sla/teams/${access.team.id}/settings`);
  });
}
