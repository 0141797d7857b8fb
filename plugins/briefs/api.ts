import { HttpError, type PluginRoutes } from "../../server/plugin-api.ts";
import { mayReadConclusion, requirePanelSeat } from "./access.ts";
import { paragraphsOf } from "./brief-flow.ts";
import { commentsOf, findBrief, listBriefs, reviewersOf } from "./briefs.ts";
import { decisionExists, findDecision, searchDecisions } from "./decisions.ts";
import { findInterview, interviewsFor, notesOnInterview, panelOf } from "./interviews.ts";
import { isUuid } from "./local-time.ts";
import type { BriefsSettings } from "./settings.ts";

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** JSON under /api/briefs: the same rows and the same access rules as the pages. */
export function briefsApi(r: PluginRoutes<BriefsSettings>): void {
  r.get("/briefs", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const items = await listBriefs(s.db, s.viewer.id, 100);
    return c.json({
      briefs: items.map((b) => ({ ...b, commentDeadline: iso(b.commentDeadline), updatedAt: iso(b.updatedAt) })),
    });
  });

  r.get("/briefs/:id", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const id = c.req.param("id");
    const brief = isUuid(id) ? await findBrief(s.db, id) : null;
    if (!brief) throw new HttpError(404, "There is no such brief.");
    if (brief.state === "draft" && brief.authorId !== s.viewer.id) throw new HttpError(403, "This brief is a draft.");
    const [comments, reviewers] = await Promise.all([commentsOf(s.db, brief.id), reviewersOf(s.db, brief.id)]);
    return c.json({
      brief: {
        id: brief.id,
        title: brief.title,
        state: brief.state,
        body: brief.body,
        paragraphs: paragraphsOf(brief.body),
        synthesis: brief.synthesis,
        decision: brief.decision,
        commentDeadline: iso(brief.commentDeadline),
        reviewers: reviewers.map((rv) => ({ ...rv, answeredAt: iso(rv.answeredAt) })),
        comments: comments.map((cm) => ({ ...cm, createdAt: iso(cm.createdAt) })),
      },
    });
  });

  r.get("/interviews", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const items = await interviewsFor(s.db, s.viewer.id, 100);
    return c.json({ interviews: items.map((i) => ({ ...i, startsAt: iso(i.startsAt), endsAt: iso(i.endsAt) })) });
  });

  r.get("/interviews/:id", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const id = c.req.param("id");
    if (!isUuid(id)) throw new HttpError(404, "There is no such interview.");
    const seat = await requirePanelSeat(s.db, id, s.viewer.id);
    const interview = await findInterview(s.db, id);
    if (!interview) throw new HttpError(404, "There is no such interview.");
    const [panel, notes] = await Promise.all([panelOf(s.db, id), notesOnInterview(s.db, s.viewer.id, id)]);
    return c.json({
      interview: {
        id: interview.id,
        candidateName: interview.candidateName,
        candidateContact: interview.candidateContact,
        role: interview.role,
        startsAt: iso(interview.startsAt),
        endsAt: iso(interview.endsAt),
        state: interview.state,
        // Blind until the viewer's own note is in: no synthesis, no decision.
        synthesis: mayReadConclusion(seat) ? interview.synthesis : "",
        outcome: mayReadConclusion(seat) ? interview.outcome : null,
        panel,
      },
      seat,
      notes: notes.map((n) => ({
        interviewerId: n.interviewerId,
        ratings: n.ratings,
        evidence: n.evidence,
        recommendation: n.recommendation,
        submittedAt: iso(n.submittedAt),
      })),
    });
  });

  r.get("/decisions", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const items = await searchDecisions(s.db, s.viewer.id, { query: (c.req.query("q") ?? "").slice(0, 200) });
    return c.json({ decisions: items.map((d) => ({ ...d, createdAt: iso(d.createdAt) })) });
  });

  r.get("/decisions/:id", "member", async (c, s) => {
    if (!s.viewer) throw new HttpError(401, "Please sign in.");
    const id = c.req.param("id");
    if (!isUuid(id)) throw new HttpError(404, "There is no such decision.");
    const d = await findDecision(s.db, s.viewer.id, id);
    if (!d) {
      if (await decisionExists(s.db, id))
        throw new HttpError(403, "This decision is only shown to its interview panel.");
      throw new HttpError(404, "There is no such decision.");
    }
    return c.json({ decision: { ...d, createdAt: iso(d.createdAt) } });
  });
}
