import { z } from "zod";
import {
  type FieldErrors,
  formatInstant,
  HttpError,
  type PluginRoutes,
  type RequestServices,
  readForm,
  requireViewer,
} from "../../server/plugin-api.ts";
import { commentForm, commentOnBrief, readableBrief } from "./brief-comments.ts";
import { editorPage } from "./brief-editor-page.tsx";
import { askIdFor, briefTemplate, canMove, stateLabels } from "./brief-flow.ts";
import { overview } from "./brief-overview-page.tsx";
import { briefPage } from "./brief-page.tsx";
import { lintHints } from "./brief-views.tsx";
import { activePeople, addReviewers, type Brief, createBrief, moveBrief, saveDraft } from "./briefs.ts";
import { decisionRecorded, recordDecision } from "./decisions.ts";
import { instantFromLocal, isUuid, localDate } from "./local-time.ts";
import type { BriefsSettings } from "./settings.ts";
import { formValues, listValue, teamOptions } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

const briefForm = z.object({
  title: z.string().trim().min(1, "Give the brief a title.").max(200, "Keep the title under 200 characters."),
  teamId: z.uuid("Choose the team this brief belongs to."),
  body: z.string().trim().min(1, "Write the brief.").max(20_000, "Keep the brief to one page (20,000 characters)."),
});

const lintForm = z.object({ body: z.string().max(20_000).default("") });

const sendForm = z.object({
  reviewerIds: z.preprocess(
    listValue,
    z
      .array(z.uuid("Choose reviewers from the list."))
      .min(1, "Choose at least one reviewer.")
      .max(30, "At most 30 reviewers."),
  ),
  commentDeadline: z.string().trim().min(1, "Set a comment deadline."),
});

const stateForm = z.object({
  to: z.enum(["synthesis", "decided", "abandoned"], "Choose what happens to the brief."),
  synthesis: z.string().trim().max(20_000, "Keep the synthesis under 20,000 characters.").optional(),
  decision: z.string().trim().max(5000, "Keep the decision under 5,000 characters.").optional(),
});

async function authoredBrief(s: S, id: string | undefined): Promise<Brief> {
  const brief = await readableBrief(s, id);
  if (brief.authorId !== requireViewer(s).id) throw new HttpError(403, "Only the author of a brief can change it.");
  return brief;
}

async function teamExists(s: S, teamId: string): Promise<boolean> {
  return (await teamOptions(s.db)).some((t) => t.id === teamId);
}

export function briefPages(r: PluginRoutes<BriefsSettings>): void {
  r.get("/", "member", (_c, s) => overview(s), { keepRendered: true });

  r.get("/new", "member", async (_c, s) => {
    const mine = await s.myTeams();
    return editorPage(s, { brief: null, values: { body: briefTemplate, teamId: mine[0]?.id ?? "" } });
  });

  r.post("/", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, briefForm);
    const values = formValues(form.values);
    if (!form.ok) return editorPage(s, { brief: null, values, errors: form.errors });
    if (!(await teamExists(s, form.data.teamId)))
      return editorPage(s, { brief: null, values, errors: { teamId: "Choose a team from the list." } });
    const brief = await createBrief(s.db, { authorId: viewer.id, ...form.data, at: s.clock.now() });
    s.flash("success", "Draft saved. Send it for review when it reads well.");
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/lint", "member", async (c, s) => {
    const form = await readForm(c, lintForm);
    const body = form.ok ? form.data.body : "";
    return s.page(lintHints(s, body), { title: "Writing hints" });
  });

  r.get("/:id{[0-9a-f-]+}", "member", async (c, s) => briefPage(s, await readableBrief(s, c.req.param("id"))), {
    keepRendered: true,
  });

  r.get("/:id{[0-9a-f-]+}/edit", "member", async (c, s) => {
    const brief = await authoredBrief(s, c.req.param("id"));
    if (brief.state !== "draft") throw new HttpError(409, "Only a draft can be edited; this brief was circulated.");
    return editorPage(s, { brief, values: { title: brief.title, teamId: brief.teamId, body: brief.body } });
  });

  r.post("/:id{[0-9a-f-]+}", "member", async (c, s) => {
    const brief = await authoredBrief(s, c.req.param("id"));
    if (brief.state !== "draft") throw new HttpError(409, "Only a draft can be edited; this brief was circulated.");
    const form = await readForm(c, briefForm);
    const values = formValues(form.values);
    if (!form.ok) return editorPage(s, { brief, values, errors: form.errors });
    if (!(await teamExists(s, form.data.teamId)))
      return editorPage(s, { brief, values, errors: { teamId: "Choose a team from the list." } });
    await saveDraft(s.db, brief.id, { ...form.data, at: s.clock.now() });
    s.flash("success", "Draft saved.");
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/:id{[0-9a-f-]+}/send", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const brief = await authoredBrief(s, c.req.param("id"));
    if (!canMove(brief.state, "review")) throw new HttpError(409, "This brief was already sent for review.");
    const form = await readForm(c, sendForm);
    const values = formValues(form.values);
    const reviewerIds = listValue(form.values.reviewerIds).filter(isUuid);
    const again = (errors: FieldErrors) => briefPage(s, brief, { errors, values, reviewerIds });
    if (!form.ok) return again(form.errors);
    const now = s.clock.now();
    const deadline = instantFromLocal(form.data.commentDeadline, viewer.timeZone);
    if (!deadline) return again({ commentDeadline: "Enter a date and time like 2026-03-06T17:00." });
    if (deadline <= now) return again({ commentDeadline: "The comment deadline must be in the future." });
    const ids = [...new Set(form.data.reviewerIds)];
    if (ids.includes(brief.authorId)) return again({ reviewerIds: "You cannot review your own brief." });
    const found = await activePeople(s.db, ids);
    if (found.length !== ids.length) return again({ reviewerIds: "Choose reviewers from the list." });
    await s.transaction(async (tx) => {
      if (!(await moveBrief(tx, brief.id, "draft", "review", { commentDeadline: deadline, sentAt: now, at: now }))) {
        throw new HttpError(409, "This brief was already sent for review.");
      }
      await addReviewers(tx, brief.id, ids);
      for (const reviewer of found) {
        await s.emit(tx, "ask.created", {
          askId: askIdFor("brief-review", brief.id, reviewer.id),
          teamId: brief.teamId,
          askerId: brief.authorId,
          addresseeIds: [reviewer.id],
          workType: "review request",
          medium: "portal",
          summary: `Review the brief "${brief.title}"`.slice(0, 200),
          link: `/briefs/${brief.id}`,
          source: "briefs",
          dueAt: deadline.toISOString(),
        });
        await s.notify(tx, {
          personId: reviewer.id,
          title: `${viewer.name} asks for your review: ${brief.title}`.slice(0, 300),
          body: `Comments are due ${formatInstant(deadline, reviewer.timeZone)}.`,
          link: `/briefs/${brief.id}`,
          dedupeKey: `briefs:review:${brief.id}:${reviewer.id}`,
          kind: "review-request",
        });
      }
    });
    s.flash("success", `Sent to ${ids.length} reviewer${ids.length === 1 ? "" : "s"}.`);
    return s.redirect(`/briefs/${brief.id}`);
  });

  r.post("/:id{[0-9a-f-]+}/comments", "member", async (c, s) => {
    const brief = await readableBrief(s, c.req.param("id"));
    if (brief.state !== "review") throw new HttpError(409, "Comments are closed: this brief is not in review.");
    const form = await readForm(c, commentForm);
    if (!form.ok) throw new HttpError(422, Object.values(form.errors)[0] ?? "Write a comment.");
    const comment = await commentOnBrief(s, brief, form.data);
    s.flash("success", "Comment added.");
    return s.redirect(`/briefs/${brief.id}#p${comment.paragraph}`);
  });

  r.post("/:id{[0-9a-f-]+}/state", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const brief = await authoredBrief(s, c.req.param("id"));
    const form = await readForm(c, stateForm);
    if (!form.ok) return briefPage(s, brief, undefined, form.errors);
    const { to } = form.data;
    if (!canMove(brief.state, to)) {
      throw new HttpError(409, `A brief in "${stateLabels[brief.state]}" cannot move to "${stateLabels[to]}".`);
    }
    if (to === "synthesis" && !form.data.synthesis)
      return briefPage(s, brief, undefined, { synthesis: "Write the synthesis." });
    if (to === "decided" && !form.data.decision)
      return briefPage(s, brief, undefined, { decision: "Say what was decided." });
    const now = s.clock.now();
    await s.transaction(async (tx) => {
      const moved = await moveBrief(tx, brief.id, brief.state, to, {
        at: now,
        ...(to === "synthesis" ? { synthesis: form.data.synthesis ?? "" } : {}),
        ...(to === "decided" ? { decision: form.data.decision ?? "", closedAt: now } : {}),
        ...(to === "abandoned" ? { closedAt: now } : {}),
      });
      if (!moved) throw new HttpError(409, "Someone changed this brief meanwhile; reload and try again.");
      if (to === "synthesis") {
        await s.emit(tx, "brief.synthesized", {
          briefId: brief.id,
          teamId: brief.teamId,
          authorId: brief.authorId,
          title: brief.title,
          link: `/briefs/${brief.id}`,
        });
      }
      if (to === "decided") {
        const decision = await recordDecision(tx, {
          kind: "brief",
          briefId: brief.id,
          title: brief.title,
          decidedBy: viewer.name,
          decidedOn: localDate(now, viewer.timeZone),
          rationale: [form.data.decision, brief.synthesis].filter(Boolean).join("\n\n"),
          links: `/briefs/${brief.id}`,
          recordedById: viewer.id,
          at: now,
        });
        await s.emit(tx, "decision.recorded", decisionRecorded(decision, brief.teamId));
      }
    });
    s.flash(
      "success",
      to === "decided" ? "Decision recorded in the decisions log." : `Brief moved to ${stateLabels[to]}.`,
    );
    return s.redirect(`/briefs/${brief.id}`);
  });
}
