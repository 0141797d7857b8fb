// The composer: writing, live linting, autosaving, posting and editing an update.
import { z } from "zod";
import {
  type FieldErrors,
  HttpError,
  PageHeader,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
  type SafeHtml,
  type WritingHint,
} from "../../server/plugin-api.ts";
import { type VisibleTeam, visibleTeams } from "./access.ts";
import { type Checkin, checkinOf } from "./checkins.ts";
import { periodAt } from "./period.ts";
import {
  cleanAnswer,
  editPostedUpdate,
  formValue,
  loadUpdate,
  memberTeam,
  postTeamUpdate,
  requireEditable,
} from "./posting.ts";
import type { Question } from "./schema.ts";
import type { StatusSettings } from "./settings.ts";
import { byteLength, compose, MAX_UPDATE_BYTES, saveDraft, type Update, updateFor } from "./updates.ts";
import { base, Composer, HintsPanel, SavedNote } from "./views.tsx";

type S = RequestServices<StatusSettings>;

const MAX_LINT_CHARS = 20_000;

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
    authorId: requireViewer(s).id,
    text: c.body,
    bottomLine: c.bottomLine,
    link: `${base}/write?team=${team.id}`,
  });
}

/** The linter, per question kind: the bottom line must lead, the ask must be addressed and dated. */
export function hintsFor(s: S, q: Question, text: string): WritingHint[] {
  // Live linting is for prose people are writing; an oversized answer is refused elsewhere.
  if (text.length > MAX_LINT_CHARS) return [];
  const kind = q.kind === "bottom-line" ? "bottom-line" : q.kind === "ask" ? "ask" : "prose";
  return s.writing.lint(text, { kind });
}

function answersFrom(values: Record<string, string | string[]>, questions: Question[]): Record<string, string> {
  const answers: Record<string, string> = {};
  for (const q of questions) {
    const text = cleanAnswer(formValue(values[`q-${q.key}`]));
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
  const viewer = requireViewer(s);
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

/** The composer's routes: write, live lint, autosave, post, edit. */
export function composerRoutes(r: PluginRoutes<StatusSettings>): void {
  r.get("/write", "member", async (c, s) => {
    const viewer = requireViewer(s);
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
    const viewer = requireViewer(s);
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
  r.get("/updates/:id/edit", "member", async (c, s) => {
    const { update, team } = await loadUpdate(s, c.req.param("id"));
    if (update.authorId !== requireViewer(s).id) throw new HttpError(403, "Only the author can edit an update.");
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
}
