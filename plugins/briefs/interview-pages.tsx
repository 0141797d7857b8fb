import { z } from "zod";
import {
  EmptyState,
  Field,
  type FieldErrors,
  FormErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  renderMarkdown,
  requireViewer,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { mayReadConclusion, type Note, type PanelSeat, requirePanelSeat } from "./access.ts";
import { askIdFor } from "./brief-flow.ts";
import { activePeople } from "./briefs.ts";
import { decisionRecorded, recordDecision } from "./decisions.ts";
import {
  createInterview,
  findInterview,
  type Interview,
  interviewsFor,
  noteDueAt,
  notesOnInterview,
  type Panelist,
  panelOf,
  recordOutcome,
  submitNote,
  synthesize,
} from "./interviews.ts";
import { instantFromLocal, isUuid, localDate } from "./local-time.ts";
import { type BriefsSettings, competenciesOf, ratingScale } from "./settings.ts";
import {
  activePeopleOptions,
  BriefsNav,
  Card,
  formValues,
  listValue,
  type Option,
  PeoplePicker,
  TextArea,
  teamOptions,
  When,
} from "./views.tsx";

type S = RequestServices<BriefsSettings>;

const interviewForm = z.object({
  candidateName: z.string().trim().min(1, "Name the candidate.").max(200, "Keep the name under 200 characters."),
  candidateContact: z.string().trim().max(300, "Keep the contact under 300 characters.").default(""),
  role: z.string().trim().min(1, "Name the role.").max(200, "Keep the role under 200 characters."),
  teamId: z.uuid("Choose the hiring team."),
  startsAt: z.string().trim().min(1, "When does the interview start?"),
  endsAt: z.string().trim().min(1, "When does the interview end?"),
  interviewerIds: z.preprocess(
    listValue,
    z
      .array(z.uuid("Choose interviewers from the list."))
      .min(1, "Add at least one interviewer to the panel.")
      .max(20, "At most 20 interviewers."),
  ),
  hiringManagerIds: z.preprocess(
    listValue,
    z.array(z.uuid("Choose hiring managers from the list.")).max(10, "At most 10 hiring managers."),
  ),
});

const noteForm = z.object({
  evidence: z
    .string()
    .trim()
    .min(1, "Write the evidence behind your ratings.")
    .max(20_000, "Keep it under 20,000 characters."),
  recommendation: z.enum(["hire", "no_hire"], "Say hire or no hire."),
});

const synthesisForm = z.object({
  synthesis: z.string().trim().min(1, "Write the synthesis.").max(20_000, "Keep it under 20,000 characters."),
});

const decisionForm = z.object({
  outcome: z.enum(["hire", "no_hire"], "Choose hire or no hire."),
  rationale: z.string().trim().min(1, "Say why.").max(5000, "Keep it under 5,000 characters."),
});

/** The interview and the viewer's seat on its panel; 403 for anyone else (candidate data). */
export async function seatedInterview(
  s: S,
  id: string | undefined,
): Promise<{ interview: Interview; seat: PanelSeat }> {
  if (!isUuid(id)) throw new HttpError(404, "There is no such interview.");
  const seat = await requirePanelSeat(s.db, id, requireViewer(s).id);
  const interview = await findInterview(s.db, id);
  if (!interview) throw new HttpError(404, "There is no such interview.");
  return { interview, seat };
}

const outcomeLabel = (o: "hire" | "no_hire"): string => (o === "hire" ? "Hire" : "No hire");

const noteIsFinal = (): HttpError =>
  new HttpError(409, "Your note is submitted and final: notes cannot change after you have read the others.");

function NotesPanel(props: {
  interview: Interview;
  seat: PanelSeat;
  notes: Note[];
  panel: Panelist[];
  viewerId: string;
  timeZone: string;
}): SafeHtml {
  const names = new Map(props.panel.map((p) => [p.personId, p.name]));
  const blind = !props.seat.hiringManager && !props.seat.submitted;
  return (
    <div
      id="briefs-notes"
      hx-get={`/briefs/interviews/${props.interview.id}/notes`}
      hx-trigger="every 60s"
      hx-swap="outerHTML"
    >
      {blind ? <p class="alert">Other interviewers' notes appear here once you submit yours — no groupthink.</p> : null}
      {props.notes.length ? (
        props.notes.map((n) => (
          <article class="briefs-note card">
            <h3>
              {names.get(n.interviewerId) ?? "Interviewer"}
              {n.interviewerId === props.viewerId ? " (you)" : ""}:{" "}
              <span class={n.recommendation === "hire" ? "badge badge-success" : "badge badge-danger"}>
                {outcomeLabel(n.recommendation)}
              </span>
            </h3>
            <dl class="briefs-ratings">
              {Object.entries(n.ratings).map(([competency, rating]) => (
                <>
                  <dt>{competency}</dt>
                  <dd>{rating}</dd>
                </>
              ))}
            </dl>
            <div>{renderMarkdown(n.evidence)}</div>
            <p class="muted small">
              Submitted <When at={n.submittedAt} timeZone={props.timeZone} />
            </p>
          </article>
        ))
      ) : blind ? null : (
        <p class="muted">No notes yet.</p>
      )}
    </div>
  );
}

function NoteForm(props: {
  interview: Interview;
  competencies: string[];
  scale: { min: number; max: number };
  mine: Note | null;
  values: Record<string, string>;
  errors: FieldErrors;
}): SafeHtml {
  const ratingOptions: string[] = [];
  for (let v = props.scale.min; v <= props.scale.max; v++) ratingOptions.push(String(v));
  const value = (i: number, name: string): string =>
    props.values[`r${i}`] ?? (props.mine?.ratings[name] !== undefined ? String(props.mine.ratings[name]) : "");
  return (
    <form method="post" action={`/briefs/interviews/${props.interview.id}/note`} class="stack" novalidate>
      <FormErrors errors={props.errors} />
      <fieldset class="briefs-scorecard">
        <legend>
          Ratings ({props.scale.min} = weak, {props.scale.max} = strong)
        </legend>
        {props.competencies.map((name, i) => (
          <Select
            label={name}
            name={`r${i}`}
            value={value(i, name)}
            options={[{ value: "", label: "Choose…" }, ...ratingOptions]}
            error={props.errors[`r${i}`]}
          />
        ))}
      </fieldset>
      <TextArea
        label="Evidence"
        name="evidence"
        rows={8}
        value={props.values.evidence ?? props.mine?.evidence}
        error={props.errors.evidence}
        hint="What the candidate said and did that supports each rating."
      />
      <Select
        label="Recommendation"
        name="recommendation"
        value={props.values.recommendation ?? props.mine?.recommendation ?? ""}
        options={[
          { value: "", label: "Choose…" },
          { value: "hire", label: "Hire" },
          { value: "no_hire", label: "No hire" },
        ]}
        error={props.errors.recommendation}
      />
      <div>
        <button type="submit">Submit my note</button>
      </div>
    </form>
  );
}

async function interviewPage(
  s: S,
  interview: Interview,
  seat: PanelSeat,
  form: { errors: FieldErrors; values: Record<string, string> } = { errors: {}, values: {} },
): Promise<Response> {
  const viewer = requireViewer(s);
  const settings = await s.settings();
  const [panel, notes] = await Promise.all([
    panelOf(s.db, interview.id),
    notesOnInterview(s.db, viewer.id, interview.id),
  ]);
  const mine = notes.find((n) => n.interviewerId === viewer.id) ?? null;
  const now = s.clock.now();
  const dueAt = noteDueAt(interview, settings);
  const title = `${interview.role}: ${interview.candidateName}`;
  const interviewers = panel.filter((p) => p.part === "interviewer");
  const managers = panel.filter((p) => p.part === "hiring_manager");
  return s.page(
    <>
      <BriefsNav current="interviews" />
      <PageHeader title={title}>
        <span class="badge">
          {interview.state === "open"
            ? "Collecting notes"
            : interview.state === "synthesized"
              ? "Synthesized"
              : "Decided"}
        </span>
      </PageHeader>
      <dl class="briefs-facts">
        <dt>When</dt>
        <dd>
          <When at={interview.startsAt} timeZone={viewer.timeZone} /> –{" "}
          <When at={interview.endsAt} timeZone={viewer.timeZone} />
        </dd>
        <dt>Notes due</dt>
        <dd>
          <When at={dueAt} timeZone={viewer.timeZone} />
        </dd>
        {interview.candidateContact ? (
          <>
            <dt>Candidate contact</dt>
            <dd>{interview.candidateContact}</dd>
          </>
        ) : null}
        <dt>Interviewers</dt>
        <dd>{interviewers.map((p) => p.name).join(", ")}</dd>
        <dt>Hiring managers</dt>
        <dd>{managers.map((p) => p.name).join(", ")}</dd>
      </dl>
      {interview.state !== "open" && mayReadConclusion(seat) ? (
        <section class="card" aria-labelledby="synthesis">
          <h2 id="synthesis">Synthesis</h2>
          {renderMarkdown(interview.synthesis)}
          {interview.outcome ? (
            <p>
              <strong>Decision:</strong> {outcomeLabel(interview.outcome)}
            </p>
          ) : null}
        </section>
      ) : null}
      <div class="split">
        {seat.interviewer ? (
          <Card title="Your note" id="your-note">
            {interview.state !== "open" ? (
              <p class="muted">Notes are locked: the hiring manager has written the synthesis.</p>
            ) : now < interview.startsAt ? (
              <p class="muted">You can write your note once the interview has started.</p>
            ) : mine ? (
              <p class="muted">
                Submitted <When at={mine.submittedAt} timeZone={viewer.timeZone} />. A submitted note is final, so
                nobody rewrites theirs after reading the others; it is shown under Panel notes.
              </p>
            ) : (
              <NoteForm
                interview={interview}
                competencies={competenciesOf(settings)}
                scale={ratingScale(settings)}
                mine={mine}
                values={form.values}
                errors={form.errors}
              />
            )}
          </Card>
        ) : null}
        <Card title="Panel notes" id="panel-notes">
          <NotesPanel
            interview={interview}
            seat={seat}
            notes={notes}
            panel={panel}
            viewerId={viewer.id}
            timeZone={viewer.timeZone}
          />
        </Card>
      </div>
      {seat.hiringManager && interview.state === "open" ? (
        <Card title="Write the synthesis" id="write-synthesis">
          <form method="post" action={`/briefs/interviews/${interview.id}/synthesis`} class="stack" novalidate>
            <TextArea
              label="Synthesis"
              name="synthesis"
              rows={6}
              hint="Writing it locks every note."
              error={form.errors.synthesis}
            />
            <div>
              <button type="submit">Write synthesis and lock notes</button>
            </div>
          </form>
        </Card>
      ) : null}
      {seat.hiringManager && interview.state === "synthesized" ? (
        <Card title="Record the hiring decision" id="record-decision">
          <form method="post" action={`/briefs/interviews/${interview.id}/decision`} class="stack" novalidate>
            <FormErrors errors={form.errors} />
            <Select
              label="Decision"
              name="outcome"
              value={form.values.outcome ?? ""}
              options={[
                { value: "", label: "Choose…" },
                { value: "hire", label: "Hire" },
                { value: "no_hire", label: "No hire" },
              ]}
              error={form.errors.outcome}
            />
            <TextArea
              label="Why"
              name="rationale"
              rows={4}
              value={form.values.rationale}
              error={form.errors.rationale}
            />
            <div>
              <button type="submit">Record decision</button>
            </div>
          </form>
        </Card>
      ) : null}
    </>,
    { title, status: Object.keys(form.errors).length ? 422 : 200 },
  );
}

function InterviewForm(props: {
  teams: Option[];
  people: Option[];
  values: Record<string, string>;
  interviewerIds: string[];
  hiringManagerIds: string[];
  errors: FieldErrors;
}): SafeHtml {
  const e = props.errors;
  return (
    <form method="post" action="/briefs/interviews" class="stack" novalidate>
      <FormErrors errors={e} />
      <Field
        label="Candidate"
        name="candidateName"
        value={props.values.candidateName}
        error={e.candidateName}
        required
      />
      <Field
        label="Candidate contact (optional)"
        name="candidateContact"
        value={props.values.candidateContact}
        error={e.candidateContact}
      />
      <Field label="Role" name="role" value={props.values.role} error={e.role} required />
      <Select
        label="Hiring team"
        name="teamId"
        value={props.values.teamId ?? ""}
        options={[{ value: "", label: "Choose a team…" }, ...props.teams.map((t) => ({ value: t.id, label: t.name }))]}
        error={e.teamId}
      />
      <div class="row">
        <Field
          label="Starts (your time)"
          name="startsAt"
          type="datetime-local"
          value={props.values.startsAt}
          error={e.startsAt}
          required
        />
        <Field
          label="Ends (your time)"
          name="endsAt"
          type="datetime-local"
          value={props.values.endsAt}
          error={e.endsAt}
          required
        />
      </div>
      <PeoplePicker
        label="Interviewers"
        name="interviewerIds"
        options={props.people}
        selected={props.interviewerIds}
        error={e.interviewerIds}
        hint="Each writes a blind note, due within hours of the interview's end."
      />
      <PeoplePicker
        label="Hiring managers"
        name="hiringManagerIds"
        options={props.people}
        selected={props.hiringManagerIds}
        error={e.hiringManagerIds}
        hint="They see every note, write the synthesis and decide. You are one if you choose nobody."
      />
      <div>
        <button type="submit">Create interview</button>
      </div>
    </form>
  );
}

async function newInterviewPage(
  s: S,
  form: { values: Record<string, string>; interviewerIds: string[]; hiringManagerIds: string[]; errors: FieldErrors },
): Promise<Response> {
  return s.page(
    <>
      <BriefsNav current="interviews" />
      <PageHeader title="New interview" />
      <InterviewForm teams={await teamOptions(s.db)} people={await activePeopleOptions(s.db)} {...form} />
    </>,
    { title: "New interview", status: Object.keys(form.errors).length ? 422 : 200 },
  );
}

export function interviewPages(r: PluginRoutes<BriefsSettings>): void {
  r.get("/interviews", "member", async (_c, s) => {
    const viewer = requireViewer(s);
    const items = await interviewsFor(s.db, viewer.id);
    return s.page(
      <>
        <BriefsNav current="interviews" />
        <PageHeader title="Hiring debriefs">
          <a class="button" href="/briefs/interviews/new">
            New interview
          </a>
        </PageHeader>
        {items.length ? (
          <ul class="plain-list briefs-list">
            {items.map((i) => (
              <li>
                <a href={`/briefs/interviews/${i.id}`}>
                  {i.role}: {i.candidateName}
                </a>{" "}
                <span class="muted small">
                  <When at={i.startsAt} timeZone={viewer.timeZone} />
                  {i.outcome ? ` · ${outcomeLabel(i.outcome)}` : i.state === "synthesized" ? " · synthesized" : ""}
                </span>
              </li>
            ))}
          </ul>
        ) : (
          <EmptyState title="You are on no interview panel.">
            <p>Interviews you sit on, as interviewer or hiring manager, are listed here.</p>
          </EmptyState>
        )}
      </>,
      { title: "Hiring debriefs" },
    );
  });

  r.get("/interviews/new", "member", async (_c, s) => {
    const mine = await s.myTeams();
    return newInterviewPage(s, {
      values: { teamId: mine[0]?.id ?? "" },
      interviewerIds: [],
      hiringManagerIds: [requireViewer(s).id],
      errors: {},
    });
  });

  r.post("/interviews", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, interviewForm);
    const values = formValues(form.values);
    const interviewerIds = listValue(form.values.interviewerIds).filter(isUuid);
    const hiringManagerIds = listValue(form.values.hiringManagerIds).filter(isUuid);
    const again = (errors: FieldErrors) => newInterviewPage(s, { values, interviewerIds, hiringManagerIds, errors });
    if (!form.ok) return again(form.errors);
    const startsAt = instantFromLocal(form.data.startsAt, viewer.timeZone);
    const endsAt = instantFromLocal(form.data.endsAt, viewer.timeZone);
    if (!startsAt) return again({ startsAt: "Enter a date and time like 2026-03-06T14:00." });
    if (!endsAt) return again({ endsAt: "Enter a date and time like 2026-03-06T15:00." });
    if (endsAt <= startsAt) return again({ endsAt: "The interview must end after it starts." });
    if (!(await teamOptions(s.db)).some((t) => t.id === form.data.teamId))
      return again({ teamId: "Choose a team from the list." });
    const interviewers = [...new Set(form.data.interviewerIds)];
    const managers = [...new Set(form.data.hiringManagerIds.length ? form.data.hiringManagerIds : [viewer.id])];
    const found = await activePeople(s.db, [...new Set([...interviewers, ...managers])]);
    if (found.length !== new Set([...interviewers, ...managers]).size)
      return again({ interviewerIds: "Choose people from the list." });
    const interview = await s.transaction((tx) =>
      createInterview(tx, {
        teamId: form.data.teamId,
        candidateName: form.data.candidateName,
        candidateContact: form.data.candidateContact,
        role: form.data.role,
        startsAt,
        endsAt,
        createdById: viewer.id,
        interviewerIds: interviewers,
        hiringManagerIds: managers,
        at: s.clock.now(),
      }),
    );
    s.flash("success", "Interview created. Each interviewer's note is due soon after it ends.");
    return s.redirect(`/briefs/interviews/${interview.id}`);
  });

  r.get("/interviews/:id{[0-9a-f-]+}", "member", async (c, s) => {
    const { interview, seat } = await seatedInterview(s, c.req.param("id"));
    return interviewPage(s, interview, seat);
  });

  r.get("/interviews/:id{[0-9a-f-]+}/notes", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const { interview, seat } = await seatedInterview(s, c.req.param("id"));
    const [panel, notes] = await Promise.all([
      panelOf(s.db, interview.id),
      notesOnInterview(s.db, viewer.id, interview.id),
    ]);
    const panelNotes = (
      <NotesPanel
        interview={interview}
        seat={seat}
        notes={notes}
        panel={panel}
        viewerId={viewer.id}
        timeZone={viewer.timeZone}
      />
    );
    // htmx refreshes only the panel; opened on its own, the page gets a heading and a way back.
    return s.page(
      <>
        <BriefsNav current="interviews" />
        <PageHeader title={`Panel notes: ${interview.role}: ${interview.candidateName}`}>
          <a class="button button-secondary" href={`/briefs/interviews/${interview.id}`}>
            Back to the interview
          </a>
        </PageHeader>
        {panelNotes}
      </>,
      { title: "Panel notes", fragment: panelNotes },
    );
  });

  r.post("/interviews/:id{[0-9a-f-]+}/note", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const { interview, seat } = await seatedInterview(s, c.req.param("id"));
    if (!seat.interviewer) throw new HttpError(403, "Only the interviewers on this panel write notes.");
    if (interview.state !== "open")
      throw new HttpError(409, "Notes are locked: the hiring manager has written the synthesis.");
    const now = s.clock.now();
    if (now < interview.startsAt) throw new HttpError(409, "You can write your note once the interview has started.");
    const settings = await s.settings();
    const competencies = competenciesOf(settings);
    const scale = ratingScale(settings);
    const form = await readForm(c, noteForm);
    const values = formValues(form.values);
    const errors: FieldErrors = form.ok ? {} : { ...form.errors };
    const ratings: Record<string, number> = {};
    competencies.forEach((name, i) => {
      const raw = values[`r${i}`] ?? "";
      const n = Number(raw);
      if (!/^-?\d+$/.test(raw.trim()) || n < scale.min || n > scale.max) {
        errors[`r${i}`] = `Rate ${name} from ${scale.min} to ${scale.max}.`;
      } else ratings[name] = n;
    });
    if (!form.ok || Object.keys(errors).length) return interviewPage(s, interview, seat, { errors, values });
    if (seat.submitted) throw noteIsFinal();
    await s.transaction(async (tx) => {
      const { first } = await submitNote(tx, {
        interviewId: interview.id,
        interviewerId: viewer.id,
        ratings,
        evidence: form.data.evidence,
        recommendation: form.data.recommendation,
        at: now,
      });
      if (!first) throw noteIsFinal();
      await s.emit(tx, "ask.answered", {
        askId: askIdFor("debrief-note", interview.id, viewer.id),
        responderId: viewer.id,
        answeredAt: now.toISOString(),
      });
      const managers = (await panelOf(tx, interview.id)).filter(
        (p) => p.part === "hiring_manager" && p.personId !== viewer.id,
      );
      for (const m of managers) {
        await s.notify(tx, {
          personId: m.personId,
          title: `${viewer.name} submitted a debrief note (${interview.role})`.slice(0, 300),
          link: `/briefs/interviews/${interview.id}`,
          dedupeKey: `briefs:note-in:${interview.id}:${viewer.id}:${m.personId}`,
          kind: "answer",
        });
      }
    });
    s.flash("success", "Note submitted. You can now read the other notes.");
    return s.redirect(`/briefs/interviews/${interview.id}`);
  });

  r.post("/interviews/:id{[0-9a-f-]+}/synthesis", "member", async (c, s) => {
    const { interview, seat } = await seatedInterview(s, c.req.param("id"));
    if (!seat.hiringManager) throw new HttpError(403, "Only a hiring manager writes the synthesis.");
    if (interview.state !== "open") throw new HttpError(409, "The synthesis was already written.");
    const form = await readForm(c, synthesisForm);
    if (!form.ok) return interviewPage(s, interview, seat, { errors: form.errors, values: formValues(form.values) });
    if (!(await synthesize(s.db, interview.id, form.data.synthesis, s.clock.now()))) {
      throw new HttpError(409, "The synthesis was already written.");
    }
    s.flash("success", "Synthesis written; the notes are locked.");
    return s.redirect(`/briefs/interviews/${interview.id}`);
  });

  r.post("/interviews/:id{[0-9a-f-]+}/decision", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const { interview, seat } = await seatedInterview(s, c.req.param("id"));
    if (!seat.hiringManager) throw new HttpError(403, "Only a hiring manager records the decision.");
    if (interview.state !== "synthesized") {
      throw new HttpError(
        409,
        interview.state === "open" ? "Write the synthesis first." : "The decision was already recorded.",
      );
    }
    const form = await readForm(c, decisionForm);
    if (!form.ok) return interviewPage(s, interview, seat, { errors: form.errors, values: formValues(form.values) });
    const now = s.clock.now();
    const entry = await s.transaction(async (tx) => {
      if (!(await recordOutcome(tx, interview.id, form.data.outcome, now))) {
        throw new HttpError(409, "The decision was already recorded.");
      }
      const decision = await recordDecision(tx, {
        kind: "hiring",
        interviewId: interview.id,
        title: `Hiring decision for ${interview.role}: ${outcomeLabel(form.data.outcome).toLowerCase()}`,
        decidedBy: viewer.name,
        decidedOn: localDate(now, viewer.timeZone),
        rationale: form.data.rationale,
        links: `/briefs/interviews/${interview.id}`,
        recordedById: viewer.id,
        at: now,
      });
      await s.emit(tx, "decision.recorded", decisionRecorded(decision, interview.teamId));
      return decision;
    });
    s.flash("success", "Decision recorded in the decisions log.");
    return s.redirect(`/briefs/decisions/${entry.id}`);
  });
}
