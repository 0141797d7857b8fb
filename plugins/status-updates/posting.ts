import { z } from "zod";
import { type FieldErrors, HttpError, type RequestServices, requireViewer } from "../../server/plugin-api.ts";
import { readableTeam, type VisibleTeam } from "./access.ts";
import type { Checkin } from "./checkins.ts";
import { periodAt } from "./period.ts";
import { cleanText } from "./search.ts";
import type { StatusSettings } from "./settings.ts";
import { answerErrors, editUpdate, findUpdate, MAX_COMMENT_BYTES, postUpdate, type Update } from "./updates.ts";

// The rules for posting and editing an update, shared by the composer pages and the JSON API.

type S = RequestServices<StatusSettings>;

/** An answer as stored: control characters removed, Windows line ends made plain. */
export function cleanAnswer(text: string): string {
  return cleanText(text).replace(/\r\n/g, "\n");
}

/** A comment's text (on the page and in the API): trimmed, not empty, at most 20 KB. */
export const commentBody = z
  .string("Write a comment.")
  .transform((v) => cleanText(v).trim())
  .pipe(
    z
      .string()
      .min(1, "Write a comment.")
      .refine((v) => Buffer.byteLength(v) <= MAX_COMMENT_BYTES, "Keep comments under 20 KB."),
  );

/** The team a write/lint/draft request is for, which the viewer must be a member of. */
export async function memberTeam(s: S, teamId: string | undefined): Promise<VisibleTeam> {
  const team = await readableTeam(s, teamId);
  if (!team.isMember) throw new HttpError(403, "You can only post updates to teams you are on.");
  return team;
}

/** An update the viewer may read (a draft only by its author), with its team. */
export async function loadUpdate(s: S, id: string | undefined): Promise<{ update: Update; team: VisibleTeam }> {
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new HttpError(404, "No such update.");
  const update = await findUpdate(s.db, id);
  if (!update) throw new HttpError(404, "No such update.");
  const team = await readableTeam(s, update.teamId);
  if (update.status !== "posted" && update.authorId !== requireViewer(s).id)
    throw new HttpError(404, "No such update.");
  return { update, team };
}

/**
 * Posts the viewer's update to `team` for the current period: field errors when the answers
 * are not acceptable, a 409 when this period's update is already posted.
 */
export async function postTeamUpdate(
  s: S,
  team: VisibleTeam,
  checkin: Checkin,
  answers: Record<string, string>,
): Promise<{ ok: true; update: Update } | { ok: false; errors: FieldErrors }> {
  const errors = answerErrors(answers, checkin.questions);
  if (Object.keys(errors).length) return { ok: false, errors };
  const now = s.clock.now();
  const period = periodAt(checkin, now);
  const posted = await postUpdate(s, {
    teamId: team.id,
    authorId: requireViewer(s).id,
    period: period.key,
    dueAt: period.dueAt,
    questions: checkin.questions,
    answers,
    at: now,
  });
  if (!posted) throw new HttpError(409, "You already posted your update for this period; edit it instead.");
  return { ok: true, update: posted };
}

/** An update its author may edit: posted, and theirs. */
export function requireEditable(s: S, update: Update): void {
  if (update.authorId !== requireViewer(s).id) throw new HttpError(403, "Only the author can edit an update.");
  if (update.status !== "posted") throw new HttpError(409, "Post the update before editing it.");
}

/** Edits the viewer's posted update (the previous answers go to the edit history). */
export async function editPostedUpdate(
  s: S,
  update: Update,
  checkin: Checkin,
  answers: Record<string, string>,
): Promise<{ ok: true } | { ok: false; errors: FieldErrors }> {
  requireEditable(s, update);
  const errors = answerErrors(answers, checkin.questions);
  if (Object.keys(errors).length) return { ok: false, errors };
  await editUpdate(s, update, checkin.questions, answers, requireViewer(s).id, s.clock.now());
  return { ok: true };
}

/** A form field's value when one is expected (the first, when the field came more than once). */
export function formValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}
