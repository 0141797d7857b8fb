import { and, eq, inArray } from "drizzle-orm";
import { type DbOrTx, formatInstant, type PluginServices, people } from "../../server/plugin-api.ts";
import { askIdFor } from "./brief-flow.ts";
import { claimEndedInterviews, noteDueAt, owedNotes } from "./interviews.ts";
import { panelists } from "./schema.ts";
import type { BriefsSettings } from "./settings.ts";

const hour = 3_600_000;
/** How long after the deadline an unwritten note is still chased. */
const chaseWindow = 24 * hour;

/** People's time zones, to say a deadline in each person's own time. */
async function timeZones(db: DbOrTx, personIds: string[]): Promise<Map<string, string>> {
  if (!personIds.length) return new Map();
  const rows = await db
    .select({ id: people.id, timeZone: people.timeZone })
    .from(people)
    .where(inArray(people.id, [...new Set(personIds)]));
  return new Map(rows.map((p) => [p.id, p.timeZone]));
}

/**
 * The debrief job: when an interview has ended, opens a "hiring debrief" ask per interviewer
 * (an SLA clock, for whoever runs one) and tells each interviewer at once, then reminds interviewers whose note is due soon and
 * again at the deadline. Dedupe keys make every run safe to repeat.
 */
export async function runDebriefJob(s: PluginServices<BriefsSettings>): Promise<string> {
  const now = s.clock.now();
  const settings = await s.settings();
  const dueMs = settings.noteDueHours * hour;

  const opened = await s.transaction(async (tx) => {
    const ended = (await claimEndedInterviews(tx, now)).filter((i) => i.state === "open");
    if (!ended.length) return 0;
    const seats = await tx
      .select({ interviewId: panelists.interviewId, personId: panelists.personId })
      .from(panelists)
      .where(
        and(
          inArray(
            panelists.interviewId,
            ended.map((i) => i.id),
          ),
          eq(panelists.part, "interviewer"),
        ),
      );
    const zoneOf = await timeZones(
      tx,
      seats.map((x) => x.personId),
    );
    let count = 0;
    for (const interview of ended) {
      const asker = interview.createdById;
      const dueAt = noteDueAt(interview, settings);
      for (const seat of seats.filter((x) => x.interviewId === interview.id)) {
        await s.emit(tx, "ask.created", {
          askId: askIdFor("debrief-note", interview.id, seat.personId),
          teamId: interview.teamId,
          askerId: asker,
          addresseeIds: [seat.personId],
          workType: "hiring debrief",
          medium: "portal",
          summary: `Write your debrief note: ${interview.role}`.slice(0, 200),
          link: `/briefs/interviews/${interview.id}`,
          source: "briefs",
          dueAt: dueAt.toISOString(),
        });
        await s.notify(tx, {
          personId: seat.personId,
          kind: "debrief-due",
          title: `Write your debrief note: ${interview.role}`.slice(0, 300),
          body: `It is due ${formatInstant(dueAt, zoneOf.get(seat.personId) ?? "UTC")}. Your note stays private until you submit it.`,
          link: `/briefs/interviews/${interview.id}`,
          dedupeKey: `briefs:note-ask:${interview.id}:${seat.personId}`,
        });
        count++;
      }
    }
    return count;
  });

  const owed = await owedNotes(s.db, { since: new Date(now.getTime() - dueMs - chaseWindow), until: now });
  const zones = await timeZones(
    s.db,
    owed.map((o) => o.personId),
  );
  let reminded = 0;
  await s.transaction(async (tx) => {
    for (const o of owed) {
      const dueAt = noteDueAt(o, settings);
      const remindAt = new Date(dueAt.getTime() - settings.reminderHoursBefore * hour);
      const at = formatInstant(dueAt, zones.get(o.personId) ?? "UTC");
      const link = `/briefs/interviews/${o.interviewId}`;
      if (now >= dueAt) {
        const sent = await s.notify(tx, {
          personId: o.personId,
          title: `Your debrief note for the ${o.role} interview is due now`.slice(0, 300),
          body: `It was due ${at}. Write it while the interview is fresh; the hiring manager is waiting.`,
          link,
          dedupeKey: `briefs:note-due:${o.interviewId}:${o.personId}`,
          kind: "debrief-due",
        });
        if (sent) reminded++;
      } else if (settings.reminderHoursBefore > 0 && now >= remindAt) {
        const sent = await s.notify(tx, {
          personId: o.personId,
          title: `Reminder: your debrief note for the ${o.role} interview is due ${at}`.slice(0, 300),
          body: "Rate each competency, write the evidence, and say hire or no hire.",
          link,
          dedupeKey: `briefs:note-soon:${o.interviewId}:${o.personId}`,
          kind: "debrief-due",
        });
        if (sent) reminded++;
      }
    }
  });
  return `opened ${opened} debrief asks, sent ${reminded} reminders`;
}
