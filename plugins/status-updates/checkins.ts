import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../server/plugin-api.ts";
import type { CheckinSchedule } from "./period.ts";
import { checkins, type Question, type QuestionKind } from "./schema.ts";

/** The default template: BLUF. */
export const defaultQuestions: Question[] = [
  { key: "bottom-line", label: "Bottom line", kind: "bottom-line" },
  { key: "ask", label: "Ask", kind: "ask" },
  { key: "progress", label: "Progress", kind: "text" },
  { key: "risks-blockers", label: "Risks/blockers", kind: "risks" },
];

export interface Checkin extends CheckinSchedule {
  teamId: string;
  questions: Question[];
  excludedIds: string[];
}

/** A team's check-in, or the defaults (weekly, Friday 15:00 team time, BLUF questions). */
export async function checkinOf(db: DbOrTx, team: { id: string; timeZone: string }): Promise<Checkin> {
  const [row] = await db.select().from(checkins).where(eq(checkins.teamId, team.id));
  return {
    teamId: team.id,
    timeZone: team.timeZone,
    cadence: row?.cadence ?? "weekly",
    weekday: row?.weekday ?? 5,
    time: row?.time ?? "15:00",
    questions: row?.questions ?? defaultQuestions,
    excludedIds: row?.excludedIds ?? [],
  };
}

export async function saveCheckin(db: DbOrTx, input: Omit<Checkin, "timeZone">, by: string, at: Date): Promise<void> {
  const values = {
    teamId: input.teamId,
    cadence: input.cadence,
    weekday: input.weekday,
    time: input.time,
    questions: input.questions,
    excludedIds: input.excludedIds,
    updatedAt: at,
    updatedBy: by,
  };
  await db.insert(checkins).values(values).onConflictDoUpdate({ target: checkins.teamId, set: values });
}

function slug(label: string): string {
  return (
    label
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40) || "question"
  );
}

/**
 * Questions from the settings form: one per line. The first line is the bottom line; a line
 * mentioning "ask" is the ask (addressed with @name); one mentioning "risk" or "blocker" counts
 * towards open blockers. Keys come from the labels, so answers survive reordering.
 */
export function questionsFromLines(text: string): Question[] {
  const labels = text
    .split(/\r?\n/)
    .map((l) => l.trim().slice(0, 120))
    .filter(Boolean)
    .slice(0, 12);
  const used = new Set<string>();
  let askSeen = false;
  let risksSeen = false;
  return labels.map((label, i) => {
    let key = slug(label);
    for (let n = 2; used.has(key); n++) key = `${slug(label)}-${n}`;
    used.add(key);
    let kind: QuestionKind = "text";
    if (i === 0) kind = "bottom-line";
    else if (!askSeen && /\bask/i.test(label)) {
      kind = "ask";
      askSeen = true;
    } else if (!risksSeen && /risk|blocker/i.test(label)) {
      kind = "risks";
      risksSeen = true;
    }
    return { key, label, kind };
  });
}
