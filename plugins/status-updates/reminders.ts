import { and, eq, gt, inArray, lte } from "drizzle-orm";
import {
  claimPersonPeriod,
  outOfOffice,
  type PluginServices,
  people,
  peopleDue,
  teamHolidays,
  teams,
} from "../../server/plugin-api.ts";
import { checkinOf } from "./checkins.ts";
import { missingFor } from "./feed.ts";
import { periodAt } from "./period.ts";
import type { StatusSettings } from "./settings.ts";

const dayKeys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** Whether `now` falls inside one of the person's working-hour intervals, in their zone. */
export function inWorkingHours(
  hours: Partial<Record<(typeof dayKeys)[number], [string, string][]>>,
  timeZone: string,
  now: Date,
): boolean {
  const local = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(timeZone);
  const hhmm = `${String(local.hour).padStart(2, "0")}:${String(local.minute).padStart(2, "0")}`;
  return (hours[dayKeys[local.dayOfWeek - 1] as (typeof dayKeys)[number]] ?? []).some(
    ([from, to]) => from <= hhmm && hhmm < to,
  );
}

/**
 * Reminds people who have not posted for their team's current period. Each person is reminded
 * once per period, when the check-in's weekday and time have passed in their own time zone and
 * they are inside their working hours; nobody out of office or on a team holiday is reminded
 * (they are picked up by a later run if that changes before the period ends).
 */
export async function remindMissing(s: PluginServices<StatusSettings>): Promise<number> {
  const settings = await s.settings();
  if (!settings.remindersEnabled) return 0;
  const now = s.clock.now();
  let sent = 0;
  for (const team of await s.db.select({ id: teams.id, name: teams.name, timeZone: teams.timeZone }).from(teams)) {
    const checkin = await checkinOf(s.db, team);
    const period = periodAt(checkin, now);
    const missing = await missingFor(s.db, team.id, period.key, checkin.excludedIds);
    if (!missing.length) continue;
    const key = `status-updates.remind:${team.id}`;
    const due = (
      await peopleDue(s.db, { key, weekday: checkin.weekday, time: checkin.time }, now, {
        personIds: missing.map((m) => m.id),
      })
    ).filter((d) => d.dueAt >= period.start && d.dueAt < period.end);
    if (!due.length) continue;
    // Other plugins may exempt people (e.g. new hires in their first two weeks).
    const exempt = await s.exempted(
      s.db,
      "update-reminders",
      due.map((d) => d.personId),
      now,
    );
    const ids = due.map((d) => d.personId).filter((id) => !exempt.has(id));
    if (!ids.length) continue;
    const today = Temporal.Instant.fromEpochMilliseconds(now.getTime()).toZonedDateTimeISO(team.timeZone).toPlainDate();
    const [holiday] = await s.db
      .select({ name: teamHolidays.name })
      .from(teamHolidays)
      .where(and(eq(teamHolidays.teamId, team.id), eq(teamHolidays.day, today.toString())));
    if (holiday) continue;
    const [hours, away] = await Promise.all([
      s.db.select({ id: people.id, workingHours: people.workingHours }).from(people).where(inArray(people.id, ids)),
      s.db
        .select({ personId: outOfOffice.personId })
        .from(outOfOffice)
        .where(and(inArray(outOfOffice.personId, ids), lte(outOfOffice.startsAt, now), gt(outOfOffice.endsAt, now))),
    ]);
    const awayIds = new Set(away.map((a) => a.personId));
    for (const d of due) {
      if (awayIds.has(d.personId) || exempt.has(d.personId)) continue;
      const wh = hours.find((h) => h.id === d.personId)?.workingHours ?? {};
      if (!inWorkingHours(wh, d.timeZone, now)) continue;
      await s.transaction(async (tx) => {
        if (!(await claimPersonPeriod(tx, key, d.personId, d.period, now))) return;
        await s.notify(tx, {
          personId: d.personId,
          title: `Your ${team.name} update is due`,
          body: "Write your update: the bottom line first, then any ask (addressed with @name), progress and risks.",
          link: `/status-updates/write?team=${team.id}`,
          dedupeKey: `status-updates:reminder:${team.id}:${d.personId}:${period.key}`,
          kind: "reminder",
          action: { type: "write-update", teamId: team.id },
        });
        sent++;
      });
    }
  }
  return sent;
}
