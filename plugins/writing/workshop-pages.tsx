import { eq } from "drizzle-orm";
import { z } from "zod";
import {
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  formatInstant,
  HttpError,
  instantFromLocal,
  PageHeader,
  type PluginRoutes,
  people,
  readForm,
  renderMarkdown,
  requireViewer,
  Select,
} from "../../server/plugin-api.ts";
import { workshopInvitation } from "./ics.ts";
import { quarterOf } from "./quarter.ts";
import { base, idParam, type S } from "./request.ts";
import type { WritingSettings } from "./settings.ts";
import {
  attendanceOf,
  examplesOf,
  findWorkshop,
  invitationOf,
  listWorkshops,
  pledgesOf,
  saveAttendance,
  savePledge,
  scheduleWorkshop,
  type Workshop,
} from "./workshops.ts";

const defaultAgenda =
  "1. Why writing is the lever of async work (10 min)\n2. BLUF: a buried ask rewritten bottom-line first, before/after (20 min)\n3. Rewrite one of your own recent updates in pairs (20 min)\n4. One thing I'll change: pledges (10 min)";

const scheduleForm = z.object({
  title: z.string().trim().min(3, "Give the workshop a title.").max(200),
  startsAt: z.string().trim().min(1, "Choose a date and time."),
  minutes: z.coerce
    .number("Give a duration in minutes.")
    .int()
    .min(15, "At least 15 minutes.")
    .max(480, "At most 8 hours."),
  location: z.string().trim().min(1, "Say where (a room or a video link).").max(500),
  facilitatorId: z.uuid("Choose a facilitator."),
  agenda: z.string().trim().min(10, "Write the agenda.").max(10_000),
});

const pledgeForm = z.object({ pledge: z.string().trim().min(3, "Write one thing you will change.").max(500) });

const isAdmin = (s: S): boolean => ["admin", "owner"].includes(requireViewer(s).role);

async function workshopsPage(s: S, errors: FieldErrors = {}, values: Record<string, string> = {}): Promise<Response> {
  const viewer = requireViewer(s);
  const list = await listWorkshops(s.db);
  const admin = isAdmin(s);
  const facilitators = admin
    ? await s.db
        .select({ id: people.id, name: people.name })
        .from(people)
        .where(eq(people.status, "active"))
        .orderBy(people.name)
    : [];
  return s.page(
    <>
      <PageHeader title="Writing workshops" />
      <p class="muted">
        Once a quarter, in real time: training is one of the things the async playbook keeps synchronous.
      </p>
      <section class="card" aria-labelledby="list">
        <h2 id="list">Workshops</h2>
        {list.length ? (
          <ul class="plain-list">
            {list.map((w) => (
              <li>
                <a href={`${base}/workshops/${w.id}`}>{w.title}</a>{" "}
                <span class="muted small">
                  {w.quarter} ·{" "}
                  <time datetime={w.startsAt.toISOString()}>{formatInstant(w.startsAt, viewer.timeZone)}</time> ·{" "}
                  {w.attended} of {w.invited} attended · {w.pledged} pledges
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="No workshop scheduled yet." />
        )}
      </section>
      {admin ? (
        <section class="card" aria-labelledby="schedule">
          <h2 id="schedule">Schedule this quarter's workshop</h2>
          <form method="post" action={`${base}/workshops`} class="stack" novalidate>
            <FormErrors errors={errors} />
            <Field label="Title" name="title" value={values.title ?? "Writing for async teams"} error={errors.title} />
            <Field
              label={`Starts (your time, ${viewer.timeZone})`}
              name="startsAt"
              type="datetime-local"
              value={values.startsAt ?? ""}
              error={errors.startsAt}
            />
            <Field label="Minutes" name="minutes" type="number" value={values.minutes ?? "60"} error={errors.minutes} />
            <Field label="Where" name="location" value={values.location ?? ""} error={errors.location} />
            <Select
              label="Facilitator"
              name="facilitatorId"
              value={values.facilitatorId ?? ""}
              options={[{ value: "", label: "Choose…" }, ...facilitators.map((p) => ({ value: p.id, label: p.name }))]}
              error={errors.facilitatorId}
            />
            <div class={errors.agenda ? "field has-error" : "field"}>
              <label for="f-agenda">Agenda (Markdown)</label>
              <textarea id="f-agenda" name="agenda" rows="6">
                {values.agenda ?? defaultAgenda}
              </textarea>
            </div>
            <p class="muted small">
              The agenda gets the latest before/after examples authors offered, without their names. Everyone is invited
              with a calendar file and a notification.
            </p>
            <button type="submit" class="button">
              Schedule and invite
            </button>
          </form>
        </section>
      ) : null}
    </>,
    { title: "Writing workshops", status: Object.keys(errors).length ? 422 : 200 },
  );
}

/** The attendee's iCalendar invitation; the same UID every time, so calendars update one event. */
function invitationFor(s: S, w: Workshop, organizerEmail: string, attendeeEmail: string): string {
  return workshopInvitation({
    uid: `${w.id}@desktrust`,
    title: w.title,
    description: `${w.agenda}\n\n${s.baseUrl}${base}/workshops/${w.id}`,
    location: w.location,
    startsAt: w.startsAt,
    minutes: w.minutes,
    organizerEmail,
    attendeeEmail,
    stamp: w.createdAt,
  });
}

async function loadWorkshop(s: S, id: string | undefined): Promise<Workshop> {
  const workshop = await findWorkshop(s.db, idParam(id, "Workshop"));
  if (!workshop) throw new HttpError(404, "Workshop not found.");
  return workshop;
}

async function workshopPage(s: S, w: Workshop, errors: FieldErrors = {}): Promise<Response> {
  const viewer = requireViewer(s);
  const [invitation, shown, pledges] = await Promise.all([
    invitationOf(s.db, w.id, viewer.id),
    examplesOf(s.db, w.id),
    pledgesOf(s.db, w.id),
  ]);
  const organizer = isAdmin(s) || w.facilitatorId === viewer.id;
  const attendance = organizer ? await attendanceOf(s.db, w.id) : [];
  return s.page(
    <>
      <PageHeader title={w.title}>
        {invitation ? (
          <a class="button button-secondary" href={`${base}/workshops/${w.id}/invite.ics`}>
            Add to calendar (.ics)
          </a>
        ) : null}
      </PageHeader>
      <p>
        <time datetime={w.startsAt.toISOString()}>{formatInstant(w.startsAt, viewer.timeZone)}</time>, {w.minutes} min ·{" "}
        {w.location}
      </p>
      <div class="split">
        <section class="card" aria-labelledby="agenda">
          <h2 id="agenda">Agenda</h2>
          <div>{renderMarkdown(w.agenda)}</div>
          {shown.length ? (
            <>
              <h3>Before and after (shared by consent, without names)</h3>
              {shown.map((e) => (
                <div class="writing-suggestion">
                  <p class="small">
                    <strong>Before:</strong> {e.before}
                  </p>
                  <p class="small">
                    <strong>After:</strong> {e.after}
                  </p>
                </div>
              ))}
            </>
          ) : null}
        </section>
        <section class="card stack" aria-labelledby="pledges">
          <h2 id="pledges">One thing I'll change</h2>
          {invitation ? (
            <form method="post" action={`${base}/workshops/${w.id}/pledge`} class="stack" novalidate>
              <FormErrors errors={errors} />
              <Field label="Your pledge" name="pledge" value={invitation.pledge ?? ""} error={errors.pledge} />
              <button type="submit" class="button button-small">
                Save my pledge
              </button>
            </form>
          ) : null}
          {pledges.length ? (
            <ul>
              {pledges.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          ) : (
            <p class="muted small">No pledges yet.</p>
          )}
        </section>
      </div>
      {organizer ? (
        <section class="card" aria-labelledby="attendance">
          <h2 id="attendance">Attendance</h2>
          <form method="post" action={`${base}/workshops/${w.id}/attendance`} class="stack">
            <fieldset>
              <legend>Who came</legend>
              {attendance.map((a) => (
                <label class="block">
                  <input type="checkbox" name="attended" value={a.personId} checked={a.attended} /> {a.name}
                </label>
              ))}
            </fieldset>
            <p class="small">
              {attendance.filter((a) => a.attended).length} of {attendance.length} attended.
            </p>
            <button type="submit" class="button button-small">
              Save attendance
            </button>
          </form>
        </section>
      ) : null}
    </>,
    { title: w.title, status: Object.keys(errors).length ? 422 : 200 },
  );
}

export function workshopPages(r: PluginRoutes<WritingSettings>): void {
  r.get("/workshops", "member", (_c, s) => workshopsPage(s));

  r.post("/workshops", "admin", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, scheduleForm);
    const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, String(v)]));
    if (!form.ok) return workshopsPage(s, form.errors, values);
    const startsAt = instantFromLocal(form.data.startsAt, viewer.timeZone);
    if (!startsAt) return workshopsPage(s, { startsAt: "Choose a real date and time." }, values);
    if (startsAt < s.clock.now()) return workshopsPage(s, { startsAt: "Choose a time in the future." }, values);
    const [facilitator] = await s.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.id, form.data.facilitatorId));
    if (!facilitator) return workshopsPage(s, { facilitatorId: "Choose a facilitator from the list." }, values);
    const quarter = quarterOf(startsAt, viewer.timeZone);
    const now = s.clock.now();
    const [organizer] = await s.db.select({ email: people.email }).from(people).where(eq(people.id, facilitator.id));
    const scheduled = await s.transaction(async (tx) => {
      const result = await scheduleWorkshop(tx, { ...form.data, startsAt, quarter, createdBy: viewer.id, at: now });
      if (!result) return null;
      const w = result.workshop;
      const link = `${base}/workshops/${w.id}`;
      const when = `${formatInstant(startsAt, "UTC")} UTC, ${w.minutes} minutes, ${w.location}`;
      await s.notifyMany(
        tx,
        result.invitees.map((p) => ({
          personId: p.id,
          title: `You are invited: ${w.title}`,
          body: `${when}. The calendar invitation is in your email and on the workshop page.`,
          link,
          dedupeKey: `writing:workshop-invite:${w.id}:${p.id}`,
          kind: "invitation" as const,
          // The email is the calendar invitation itself.
          mail: {
            subject: `Invitation: ${w.title}`,
            text: `You are invited to this quarter's writing workshop: ${when}.\n\n${w.agenda}\n\nBring one thing you will change in your writing.`,
            attachments: [
              {
                filename: "writing-workshop.ics",
                contentType: "text/calendar; charset=utf-8; method=REQUEST",
                content: invitationFor(s, w, organizer?.email ?? viewer.email, p.email),
              },
            ],
          },
        })),
      );
      return result;
    });
    if (!scheduled) return workshopsPage(s, { startsAt: `${quarter} already has a workshop.` }, values);
    s.flash("success", `Scheduled; ${scheduled.invitees.length} people invited.`);
    return s.redirect(`${base}/workshops/${scheduled.workshop.id}`);
  });

  r.get("/workshops/:id", "member", async (c, s) => workshopPage(s, await loadWorkshop(s, c.req.param("id"))));

  r.get("/workshops/:id/invite.ics", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const w = await loadWorkshop(s, c.req.param("id"));
    if (!(await invitationOf(s.db, w.id, viewer.id))) throw new HttpError(404, "You are not invited to this workshop.");
    const [facilitator] = await s.db.select({ email: people.email }).from(people).where(eq(people.id, w.facilitatorId));
    const ics = invitationFor(s, w, facilitator?.email ?? viewer.email, viewer.email);
    c.header("Content-Type", "text/calendar; charset=utf-8; method=REQUEST");
    c.header("Content-Disposition", 'attachment; filename="writing-workshop.ics"');
    return c.body(ics);
  });

  r.post("/workshops/:id/pledge", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const w = await loadWorkshop(s, c.req.param("id"));
    if (!(await invitationOf(s.db, w.id, viewer.id)))
      throw new HttpError(403, "Only people invited to this workshop pledge.");
    const form = await readForm(c, pledgeForm);
    if (!form.ok) return workshopPage(s, w, form.errors);
    await savePledge(s.db, w.id, viewer.id, form.data.pledge, s.clock.now());
    s.flash("success", "Pledge saved.");
    return s.redirect(`${base}/workshops/${w.id}`);
  });

  r.post("/workshops/:id/attendance", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const w = await loadWorkshop(s, c.req.param("id"));
    if (!isAdmin(s) && w.facilitatorId !== viewer.id)
      throw new HttpError(403, "Only the facilitator and admins record attendance.");
    const form = await readForm(c, z.object({ attended: z.union([z.uuid(), z.array(z.uuid())]).optional() }));
    if (!form.ok) throw new HttpError(422, "attended: a list of invited people.");
    const ids = form.data.attended === undefined ? [] : [form.data.attended].flat();
    await saveAttendance(s.db, w.id, ids);
    s.flash("success", "Attendance saved.");
    return s.redirect(`${base}/workshops/${w.id}`);
  });
}
