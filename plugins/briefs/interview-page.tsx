import {
  type FieldErrors,
  FormErrors,
  PageHeader,
  type RequestServices,
  renderMarkdown,
  requireViewer,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import { mayReadConclusion, type Note, type PanelSeat } from "./access.ts";
import { NotesPanel, outcomeLabel } from "./interview-views.tsx";
import { type Interview, noteDueAt, notesOnInterview, panelOf } from "./interviews.ts";
import { type BriefsSettings, competenciesOf, ratingScale } from "./settings.ts";
import { BriefsNav, Card, TextArea, When } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

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

export async function interviewPage(
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
