import { and, eq, isNull } from "drizzle-orm";
import {
  type ChatAsks,
  type ChatFormField,
  type ChatOutcome,
  type ChatUpdates,
  isTeamMember,
  markdownToText,
  type PluginServices,
  people,
  teams,
  teamsOf,
} from "../../server/plugin-api.ts";
import { checkinOf } from "./checkins.ts";
import { periodAt, periodLabel } from "./period.ts";
import { askAddressees, asks, type Question } from "./schema.ts";
import { cleanText } from "./search.ts";
import type { StatusSettings } from "./settings.ts";
import { addComment, answerErrors, findUpdate, MAX_COMMENT_BYTES, postUpdate } from "./updates.ts";

// The BLUF guidance the portal's composer gives, one line per kind of question.
const hints: Record<Question["kind"], string> = {
  "bottom-line": "Bottom line up front: the conclusion or decision first, in a sentence or two.",
  ask: "What you need and from whom, early: name them with @handle (it starts their response clock).",
  text: "What moved forward; link to details rather than pasting them.",
  risks: "What might slip or blocks you, and what would help — or “none”.",
};

function fieldOf(q: Question): ChatFormField {
  return {
    key: q.key,
    label: q.label,
    hint: hints[q.kind],
    multiline: q.kind !== "bottom-line",
    optional: q.kind !== "bottom-line",
  };
}

/** Errors from `answerErrors` (keyed `q-<key>` or `form`) keyed by the chat form's field keys. */
function fieldErrors(errors: Record<string, string>, questions: Question[]): Record<string, string> {
  const first = questions[0]?.key ?? "form";
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k === "form" ? first : k.replace(/^q-/, ""), v]));
}

/** Writing an update from chat: the same check-in questions, validation and posting as the composer. */
export function chatUpdates(s: PluginServices<StatusSettings>): ChatUpdates {
  return {
    async form(personId, teamId) {
      const mine = await teamsOf(s.db, personId);
      const team = teamId ? mine.find((t) => t.id === teamId) : mine[0];
      if (!team) return null;
      const [row] = await s.db.select({ timeZone: teams.timeZone }).from(teams).where(eq(teams.id, team.id));
      const checkin = await checkinOf(s.db, { id: team.id, timeZone: row?.timeZone ?? "UTC" });
      const period = periodAt(checkin, s.clock.now());
      return {
        teamId: team.id,
        title: "Write your update",
        intro: `${team.name}, ${periodLabel(period.key)}. Bottom line first; the writing hints stay hints, never blockers.`,
        fields: checkin.questions.map(fieldOf),
      };
    },

    async post(personId, teamId, raw): Promise<ChatOutcome> {
      const [team] = await s.db
        .select({ id: teams.id, timeZone: teams.timeZone })
        .from(teams)
        .where(eq(teams.id, teamId));
      if (!team || !(await isTeamMember(s.db, teamId, personId)))
        return { ok: false, errors: { form: "You can only post updates to teams you are on." } };
      const checkin = await checkinOf(s.db, team);
      const answers: Record<string, string> = {};
      for (const q of checkin.questions) {
        const text = cleanText(raw[q.key] ?? "").replace(/\r\n/g, "\n");
        if (text.trim()) answers[q.key] = text;
      }
      const errors = answerErrors(answers, checkin.questions);
      if (Object.keys(errors).length) return { ok: false, errors: fieldErrors(errors, checkin.questions) };
      const now = s.clock.now();
      const period = periodAt(checkin, now);
      const posted = await postUpdate(s, {
        teamId,
        authorId: personId,
        period: period.key,
        dueAt: period.dueAt,
        questions: checkin.questions,
        answers,
        at: now,
      });
      if (!posted)
        return {
          ok: false,
          errors: fieldErrors(
            { form: "You already posted your update for this period; edit it in the portal." },
            checkin.questions,
          ),
        };
      const suggestions = checkin.questions.flatMap((q) => {
        const text = answers[q.key];
        if (!text) return [];
        const kind = q.kind === "bottom-line" ? "bottom-line" : q.kind === "ask" ? "ask" : "prose";
        return s.writing.lint(text, { kind });
      });
      return {
        ok: true,
        link: `/status-updates/updates/${posted.id}`,
        message: suggestions.length
          ? `Posted. The writing linter has ${suggestions.length} suggestion${suggestions.length === 1 ? "" : "s"}: ${suggestions
              .slice(0, 3)
              .map((h) => h.message)
              .join(" ")}`
          : "Posted. Clear writing: bottom line first.",
      };
    },
  };
}

/** The ask, when it waits on this person's answer. */
async function openAsk(
  s: PluginServices<StatusSettings>,
  askId: string,
  personId: string,
): Promise<{ updateId: string; text: string; asker: string } | null> {
  const [row] = await s.db
    .select({ updateId: asks.updateId, text: asks.text, asker: people.name })
    .from(asks)
    .innerJoin(askAddressees, and(eq(askAddressees.askId, asks.id), eq(askAddressees.personId, personId)))
    .innerJoin(people, eq(people.id, asks.askerId))
    .where(and(eq(asks.id, askId), isNull(askAddressees.answeredAt)));
  return row ?? null;
}

/** Answering an ask from chat: a comment on its update by an addressee, which answers it and stops its clock. */
export function chatAsks(s: PluginServices<StatusSettings>): ChatAsks {
  return {
    async form(askId, personId) {
      const ask = await openAsk(s, askId, personId);
      if (!ask) return null;
      return {
        title: "Answer the ask",
        intro: `${ask.asker} asks: ${markdownToText(ask.text).replace(/\s+/g, " ").trim().slice(0, 2000)}`,
        fields: [
          {
            key: "answer",
            label: "Your answer",
            hint: "The answer first, then any background. It is posted as your comment on the update.",
            multiline: true,
            optional: false,
          },
        ],
      };
    },

    async answer(askId, personId, raw): Promise<ChatOutcome> {
      const body = cleanText(raw).replace(/\r\n/g, "\n").trim();
      if (!body) return { ok: false, errors: { answer: "Write your answer." } };
      if (Buffer.byteLength(body) > MAX_COMMENT_BYTES) return { ok: false, errors: { answer: "Keep it under 20 KB." } };
      const ask = await openAsk(s, askId, personId);
      if (!ask) return { ok: false, errors: { answer: "This ask is answered already, or not addressed to you." } };
      const update = await findUpdate(s.db, ask.updateId);
      const [author] = await s.db.select({ name: people.name }).from(people).where(eq(people.id, personId));
      if (!update || !author) return { ok: false, errors: { answer: "The update of this ask is gone." } };
      const comment = await addComment(s, update, {
        authorId: personId,
        authorName: author.name,
        body,
        at: s.clock.now(),
      });
      return {
        ok: true,
        message: "Answered: your comment is on the update and the ask's response clock has stopped.",
        link: `/status-updates/updates/${update.id}#comment-${comment.id}`,
      };
    },
  };
}
