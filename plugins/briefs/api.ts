import { z } from "zod";
import { HttpError, type PluginRoutes, type PluginSetup } from "../../server/plugin-api.ts";
import { mayReadConclusion, requirePanelSeat } from "./access.ts";
import { commentForm, commentOnBrief, readableBrief } from "./brief-comments.ts";
import { paragraphsOf } from "./brief-flow.ts";
import { commentsOf, findBrief, listBriefs, reviewersOf } from "./briefs.ts";
import {
  type Decision,
  decisionExists,
  decisionForm,
  findDecision,
  recordManualDecision,
  searchDecisions,
} from "./decisions.ts";
import { findInterview, interviewsFor, notesOnInterview, panelOf } from "./interviews.ts";
import { isUuid } from "./local-time.ts";
import { decisionKinds } from "./schema.ts";
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
}

const decisionOutput = z.object({
  id: z.uuid(),
  kind: z.enum(decisionKinds).describe("Where it came from: a kickoff brief, a hiring debrief, or recorded by hand."),
  briefId: z.uuid().nullable(),
  interviewId: z.uuid().nullable(),
  title: z.string(),
  decidedBy: z.string(),
  decidedOn: z.string().describe("The date it was decided, YYYY-MM-DD."),
  rationale: z.string().describe("Why, in Markdown."),
  links: z.string().describe("Links, one per line."),
  recordedById: z.uuid(),
  createdAt: z.iso.datetime(),
  link: z.string().describe("The decision's page in the portal."),
});

function decisionJson(d: Decision): z.input<typeof decisionOutput> {
  return { ...d, createdAt: d.createdAt.toISOString(), link: `/briefs/decisions/${d.id}` };
}

/** Documented endpoints under /api/briefs: the decisions log, read and recorded. */
export function briefsEndpoints(api: PluginSetup<BriefsSettings>): void {
  api.endpoint(
    {
      method: "get",
      path: "/decisions",
      scope: "read",
      access: "member",
      summary: "Search the decisions log",
      description:
        "Newest first; with q, the best matches first. Hiring decisions are shown to their interview panel only.",
      query: z.object({
        q: z.string().max(200, "Keep the search under 200 characters.").default("").describe("Words to search for."),
      }),
      response: z.object({ decisions: z.array(decisionOutput) }),
    },
    async ({ query }, s) => {
      if (!s.viewer) throw new HttpError(401, "Please sign in.");
      const items = await searchDecisions(s.db, s.viewer.id, { query: query.q });
      return { decisions: items.map(decisionJson) };
    },
  );

  api.endpoint(
    {
      method: "get",
      path: "/decisions/:id",
      scope: "read",
      access: "member",
      summary: "Read one decision",
      params: { id: "The decision's id." },
      response: z.object({ decision: decisionOutput }),
    },
    async ({ params }, s) => {
      if (!s.viewer) throw new HttpError(401, "Please sign in.");
      const id = params.id ?? "";
      if (!isUuid(id)) throw new HttpError(404, "There is no such decision.");
      const d = await findDecision(s.db, s.viewer.id, id);
      if (!d) {
        if (await decisionExists(s.db, id))
          throw new HttpError(403, "This decision is only shown to its interview panel.");
        throw new HttpError(404, "There is no such decision.");
      }
      return { decision: decisionJson(d) };
    },
  );

  api.endpoint(
    {
      method: "post",
      path: "/briefs/:id/comments",
      scope: "comments:write",
      access: "member",
      status: 201,
      summary: "Comment on a paragraph of a brief in review",
      description:
        "Name the paragraph by its index and hash from GET /api/briefs/briefs/{id} (paragraphs); a paragraph edited since is a 422. A reviewer's first comment answers their review request (stops their SLA clock and tells the author). 409 when the brief is not in review.",
      params: { id: "The brief's id." },
      body: commentForm,
      response: z.object({
        comment: z.object({
          id: z.uuid(),
          briefId: z.uuid(),
          paragraph: z.number().int(),
          createdAt: z.iso.datetime(),
        }),
      }),
    },
    async ({ body, params }, s) => {
      const brief = await readableBrief(s, params.id);
      const comment = await commentOnBrief(s, brief, body);
      return { comment: { ...comment, briefId: brief.id, createdAt: comment.createdAt.toISOString() } };
    },
  );

  api.endpoint(
    {
      method: "post",
      path: "/decisions",
      scope: "decisions:write",
      access: "member",
      status: 201,
      summary: "Record a decision in the decisions log",
      description:
        "What was decided, by whom, when and why, as any member records one on the decisions page. Decisions of briefs and hiring debriefs are recorded by those flows, not here.",
      body: decisionForm,
      response: z.object({ decision: decisionOutput }),
    },
    async ({ body }, s) => {
      if (!s.viewer) throw new HttpError(401, "Please sign in.");
      return { decision: decisionJson(await recordManualDecision(s.db, body, s.viewer.id, s.clock.now())) };
    },
  );
}
