import { z } from "zod";
import {
  type FieldErrors,
  HttpError,
  isUuid,
  type PluginSetup,
  type RequestServices,
  requireViewer,
} from "../../server/plugin-api.ts";
import { readableTeam } from "./access.ts";
import { checkinOf } from "./checkins.ts";
import { cleanAnswer, commentBody, editPostedUpdate, loadUpdate, memberTeam, postTeamUpdate } from "./posting.ts";
import type { Question } from "./schema.ts";
import type { StatusSettings } from "./settings.ts";
import { addComment, asksWaitingOn, findAsk, findUpdate, MAX_UPDATE_BYTES, type Update } from "./updates.ts";

type S = RequestServices<StatusSettings>;

const link = (update: { id: string }): string => `/status-updates/updates/${update.id}`;

const answersInput = z
  .record(
    z.string().max(40, "Question keys are at most 40 characters."),
    z.string("Each answer is Markdown text.").max(MAX_UPDATE_BYTES, "Keep each answer under 100 KB."),
  )
  .describe(
    "Question key → Markdown answer. Keys are the team's check-in questions (GET /api/status-updates/teams/{teamId}/questions); the default template is bottom-line, ask, progress and risks-blockers. Address the ask with @name to start an SLA clock for each person named.",
  );

const updateOutput = z.object({
  id: z.uuid(),
  teamId: z.uuid(),
  authorId: z.uuid(),
  period: z.string().describe("The check-in period, e.g. 2026-W10."),
  status: z.enum(["draft", "posted"]),
  answers: z.record(z.string(), z.string()),
  bottomLine: z.string(),
  hasBlockers: z.boolean(),
  dueAt: z.iso.datetime(),
  postedAt: z.iso.datetime().nullable(),
  updatedAt: z.iso.datetime(),
  link: z.string().describe("The update's page in the portal."),
});

const hintOutput = z.object({
  question: z.string(),
  rule: z.string(),
  message: z.string(),
  severity: z.enum(["info", "warning"]),
});

const commentOutput = z.object({
  id: z.uuid(),
  updateId: z.uuid(),
  authorId: z.uuid(),
  body: z.string(),
  createdAt: z.iso.datetime(),
  link: z.string(),
});

function updateJson(update: Update): z.input<typeof updateOutput> {
  return {
    ...update,
    dueAt: update.dueAt.toISOString(),
    postedAt: update.postedAt?.toISOString() ?? null,
    updatedAt: update.updatedAt.toISOString(),
    link: link(update),
  };
}

/**
 * The answers of a request, cleaned as the composer cleans them; a key that is not one of the
 * team's questions is a 422 naming it, rather than silently dropped.
 */
function cleanAnswers(raw: Record<string, string>, questions: Question[]): Record<string, string> {
  const known = new Set(questions.map((q) => q.key));
  const answers: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (!known.has(key)) {
      const message = `not a question of this team's check-in (${[...known].join(", ")})`;
      throw new HttpError(422, `Invalid answers.${key}: ${message}.`, { fields: { [`answers.${key}`]: message } });
    }
    const text = cleanAnswer(value);
    if (text.trim()) answers[key] = text;
  }
  return answers;
}

/** The composer's field errors (`q-bottom-line`, `form`) as a 422 naming the API's fields. */
function answersRefused(errors: FieldErrors): HttpError {
  const fields = Object.fromEntries(
    Object.entries(errors).map(([key, message]) => [key === "form" ? "answers" : `answers.${key.slice(2)}`, message]),
  );
  const [field, message] = Object.entries(fields)[0] ?? ["answers", "not acceptable"];
  return new HttpError(422, `Invalid ${field}: ${message.replace(/\.$/, "")}.`, { fields });
}

function hintsOf(s: S, questions: Question[], answers: Record<string, string>): z.input<typeof hintOutput>[] {
  return questions.flatMap((q) => {
    const text = answers[q.key];
    if (!text || text.length > 20_000) return [];
    const kind = q.kind === "bottom-line" ? "bottom-line" : q.kind === "ask" ? "ask" : "prose";
    return s.writing
      .lint(text, { kind })
      .map((h) => ({ question: q.key, rule: h.rule, message: h.message, severity: h.severity }));
  });
}

/** Documented endpoints under /api/status-updates: post and edit updates, comment, answer asks. */
export function statusEndpoints(api: PluginSetup<StatusSettings>): void {
  api.endpoint(
    {
      method: "get",
      path: "/teams/:teamId/questions",
      scope: "read",
      access: "member",
      summary: "List a team's check-in questions (the keys of an update's answers)",
      params: { teamId: "The team's id." },
      response: z.object({
        teamId: z.uuid(),
        questions: z.array(
          z.object({ key: z.string(), label: z.string(), kind: z.enum(["bottom-line", "ask", "risks", "text"]) }),
        ),
      }),
    },
    async ({ params }, s) => {
      const team = await readableTeam(s, params.teamId);
      return { teamId: team.id, questions: (await checkinOf(s.db, team)).questions };
    },
  );

  api.endpoint(
    {
      method: "post",
      path: "/updates",
      scope: "updates:write",
      access: "member",
      status: 201,
      summary: "Post your status update for the current period",
      description:
        "Posts the caller's update to a team they are on, for the team's current check-in period. An ask addressed with @name notifies those people and starts their SLA clocks. The writing linter's hints come back with it (hints, never a refusal). 409 when this period's update is already posted: edit it instead.",
      body: z.object({ teamId: z.uuid("Give the id of a team you are on."), answers: answersInput }),
      response: z.object({ update: updateOutput, hints: z.array(hintOutput) }),
    },
    async ({ body }, s) => {
      const team = await memberTeam(s, body.teamId);
      const checkin = await checkinOf(s.db, team);
      const answers = cleanAnswers(body.answers, checkin.questions);
      const result = await postTeamUpdate(s, team, checkin, answers);
      if (!result.ok) throw answersRefused(result.errors);
      return { update: updateJson(result.update), hints: hintsOf(s, checkin.questions, answers) };
    },
  );

  api.endpoint(
    {
      method: "patch",
      path: "/updates/:id",
      scope: "updates:write",
      access: "member",
      summary: "Edit your posted update",
      description:
        "Only the author may edit. The given answers replace those questions' answers (an empty string clears one); the others stay. The previous version goes to the edit history.",
      params: { id: "The update's id." },
      body: z.object({ answers: answersInput }),
      response: z.object({ update: updateOutput, hints: z.array(hintOutput) }),
    },
    async ({ body, params }, s) => {
      const { update, team } = await loadUpdate(s, params.id);
      const checkin = await checkinOf(s.db, team);
      const given = cleanAnswers(body.answers, checkin.questions);
      const answers = { ...update.answers };
      for (const key of Object.keys(body.answers)) {
        if (given[key]) answers[key] = given[key];
        else delete answers[key];
      }
      const result = await editPostedUpdate(s, update, checkin, answers);
      if (!result.ok) throw answersRefused(result.errors);
      const edited = (await findUpdate(s.db, update.id)) as Update;
      return { update: updateJson(edited), hints: hintsOf(s, checkin.questions, answers) };
    },
  );

  api.endpoint(
    {
      method: "post",
      path: "/updates/:id/comments",
      scope: "comments:write",
      access: "member",
      status: 201,
      summary: "Comment on an update",
      description:
        "Anyone who may read the update may comment. People named with @name and the author are notified; a comment by someone the update's ask is addressed to answers that ask.",
      params: { id: "The update's id." },
      body: z.object({ body: commentBody.describe("Markdown, at most 20 KB.") }),
      response: z.object({ comment: commentOutput }),
    },
    async ({ body, params }, s) => {
      const viewer = requireViewer(s);
      const { update } = await loadUpdate(s, params.id);
      if (update.status !== "posted") throw new HttpError(409, "Drafts take no comments.");
      const comment = await addComment(s, update, {
        authorId: viewer.id,
        authorName: viewer.name,
        body: body.body,
        at: s.clock.now(),
      });
      return {
        comment: {
          ...comment,
          createdAt: comment.createdAt.toISOString(),
          link: `${link(update)}#comment-${comment.id}`,
        },
      };
    },
  );

  api.endpoint(
    {
      method: "get",
      path: "/asks",
      scope: "read",
      access: "member",
      summary: "List the asks waiting on you",
      response: z.object({
        asks: z.array(
          z.object({
            askId: z.uuid(),
            updateId: z.uuid(),
            text: z.string(),
            askerName: z.string(),
            createdAt: z.iso.datetime(),
          }),
        ),
      }),
    },
    async (_input, s) => ({
      asks: (await asksWaitingOn(s.db, requireViewer(s).id, 100)).map((a) => ({
        ...a,
        createdAt: a.createdAt.toISOString(),
      })),
    }),
  );

  api.endpoint(
    {
      method: "post",
      path: "/asks/:id/answers",
      scope: "asks:write",
      access: "member",
      status: 201,
      summary: "Answer an ask addressed to you",
      description:
        "Posts the answer as a comment on the ask's update, which stops your SLA clock for it and tells the asker. Only people the ask is addressed to may answer (403); answering twice is a 409. Asks themselves are posted as the ask answer of an update.",
      params: { id: "The ask's id (from GET /api/status-updates/asks)." },
      body: z.object({ body: commentBody.describe("The answer, Markdown, at most 20 KB.") }),
      response: z.object({ askId: z.uuid(), answeredAt: z.iso.datetime(), comment: commentOutput }),
    },
    async ({ body, params }, s) => {
      const viewer = requireViewer(s);
      const ask = isUuid(params.id ?? "") ? await findAsk(s.db, params.id as string, viewer.id) : null;
      if (!ask) throw new HttpError(404, "No such ask.");
      const { update } = await loadUpdate(s, ask.updateId);
      if (!ask.addressed) throw new HttpError(403, "This ask is not addressed to you.");
      if (ask.answeredAt) throw new HttpError(409, "You have already answered this ask.");
      const comment = await addComment(s, update, {
        authorId: viewer.id,
        authorName: viewer.name,
        body: body.body,
        at: s.clock.now(),
      });
      return {
        askId: ask.id,
        answeredAt: comment.createdAt.toISOString(),
        comment: {
          ...comment,
          createdAt: comment.createdAt.toISOString(),
          link: `${link(update)}#comment-${comment.id}`,
        },
      };
    },
  );
}
