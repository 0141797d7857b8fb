import { z } from "zod";
import {
  EmptyState,
  type FieldErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
} from "../../server/plugin-api.ts";
import { type PanelSeat, requirePanelSeat } from "./access.ts";
import { askIdFor } from "./brief-flow.ts";
import { activePeople } from "./briefs.ts";
import { decisionRecorded, recordDecision } from "./decisions.ts";
import { newInterviewPage } from "./interview-new-page.tsx";
import { interviewPage } from "./interview-page.tsx";
import { NotesPanel, outcomeLabel } from "./interview-views.tsx";
import {
  createInterview,
  findInterview,
  type Interview,
  interviewsFor,
  notesOnInterview,
  panelOf,
  recordOutcome,
  submitNote,
  synthesize,
} from "./interviews.ts";
import { instantFromLocal, isUuid, localDate } from "./local-time.ts";
import { type BriefsSettings, competenciesOf, ratingScale } from "./settings.ts";
import { BriefsNav, formValues, listValue, teamOptions, When } from "./views.tsx";

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

const noteIsFinal = (): HttpError =>
  new HttpError(409, "Your note is submitted and final: notes cannot change after you have read the others.");

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
