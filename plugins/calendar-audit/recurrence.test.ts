import { describe, expect, it } from "bun:test";
import fc from "fast-check";
import ICAL from "ical.js";
import type { WallTime } from "./event-reader.ts";
import { needsCalendarEngine, plainInstances, ruleInstances } from "./recurrence.ts";

const limits = { fromWallMs: Date.UTC(2026, 0, 1), untilWallMs: Date.UTC(2026, 11, 31), maxIterations: 50_000 };
const pad = (n: number): string => String(n).padStart(2, "0");
/** As ICAL.Time prints it: 2026-01-05 or 2026-01-05T09:00:00. */
const wall = (t: WallTime): string =>
  `${t.year}-${pad(t.month)}-${pad(t.day)}${t.isDate ? "" : `T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}`}`;

/** ical.js's own iterator over the same limits, for comparison. */
function icalStarts(text: string, start: ICAL.Time): string[] {
  const it = ICAL.Recur.fromString(text).iterator(start);
  const out: string[] = [];
  for (let next = it.next(); next; next = it.next()) {
    if (Date.UTC(next.year, next.month - 1, next.day, next.hour, next.minute) > limits.untilWallMs) break;
    out.push(wall(next));
  }
  return out;
}

describe("recurrence engines", () => {
  it("walks DAILY and WEEKLY rules in date arithmetic exactly as ical.js's iterator does", () => {
    const days = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    fc.assert(
      fc.property(
        fc.constantFrom("DAILY", "WEEKLY"),
        fc.integer({ min: 1, max: 4 }),
        fc.subarray(days),
        fc.constantFrom("", ";WKST=SU", ";WKST=MO", ";WKST=WE"),
        fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
        fc.integer({ min: 0, max: 400 }),
        fc.boolean(),
        (freq, interval, picked, wkst, count, offset, allDay) => {
          const d = new Date(Date.UTC(2025, 10, 1) + offset * 86_400_000);
          // DTSTART on one of the rule's days: where it is not, the RFC leaves the set undefined
          // (and ical.js differs from rule to rule); expand always keeps DTSTART as the first.
          const byday = picked.length ? [...new Set([...picked, days[(d.getUTCDay() + 6) % 7] as string])] : [];
          const text = `FREQ=${freq};INTERVAL=${interval}${byday.length ? `;BYDAY=${byday.join(",")}` : ""}${wkst}${count ? `;COUNT=${count}` : ""}`;
          const start = ICAL.Time.fromData({
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            day: d.getUTCDate(),
            hour: 9,
            minute: 30,
            isDate: allDay,
          });
          const ours = plainInstances(ICAL.Recur.fromString(text), start, { ...limits, fromWallMs: 0 });
          expect(ours?.starts.map(wall)).toEqual(icalStarts(text, start));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("walks MONTHLY rules on days or weekdays of the month in date arithmetic exactly as ical.js's iterator does", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.oneof(
          fc.constant("DTSTART"),
          fc
            .subarray([1, 2, 15, 28, 29, 30, 31, -1, -2, -31], { minLength: 1 })
            .map((d) => `BYMONTHDAY=${d.join(",")}`),
          fc
            .subarray(["1MO", "2TU", "-1TH", "3FR", "-2WE", "5SU", "-5SA", "MO", "FR"], { minLength: 1 })
            .map((d) => `BYDAY=${d.join(",")}`),
        ),
        fc.option(fc.integer({ min: 1, max: 30 }), { nil: null }),
        fc.integer({ min: 0, max: 3 * 365 }),
        fc.boolean(),
        (interval, by, count, offset, allDay) => {
          const text = `FREQ=MONTHLY;INTERVAL=${interval}${by === "DTSTART" ? "" : `;${by}`}${count ? `;COUNT=${count}` : ""}`;
          // DTSTART on the rule's first instance from a day in 2025 (ical.js starts there too).
          const from = ICAL.Time.fromData({ year: 2025, month: 1, day: 1, hour: 9, minute: 30, isDate: allDay });
          from.adjust(offset, 0, 0, 0);
          const next = ICAL.Recur.fromString(text.replace(/;COUNT=\d+/, ""))
            .iterator(from)
            .next();
          const start = by === "DTSTART" ? from : next;
          if (!start) return;
          const ours = plainInstances(ICAL.Recur.fromString(text), start, { ...limits, fromWallMs: 0 });
          expect(ours?.starts.map(wall)).toEqual(icalStarts(text, start));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("counts only the instances a monthly rule gives when DTSTART is not one of them (as rrule-temporal does)", () => {
    // Thursday 12 January 2023; the second Monday is the 9th: the rule's own two are 13 Feb and 13 Mar.
    const start = ICAL.Time.fromDateTimeString("2023-01-12T10:00:00");
    const got = plainInstances(ICAL.Recur.fromString("FREQ=MONTHLY;BYDAY=2MO;COUNT=2"), start, limits);
    expect(got?.starts.map(wall)).toEqual(["2023-02-13T10:00:00", "2023-03-13T10:00:00"]);
  });

  it("starts a monthly weekday rule near the window and finds the same instances there as a full walk", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("1MO", "2TU", "-1TH", "3FR", "-2WE"),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 0, max: 20 * 365 }),
        (day, interval, offset) => {
          const d = new Date(Date.UTC(2000, 0, 1) + offset * 86_400_000);
          const start = ICAL.Time.fromData({
            year: d.getUTCFullYear(),
            month: d.getUTCMonth() + 1,
            day: Math.min(d.getUTCDate(), 28),
            hour: 9,
          });
          const text = `FREQ=MONTHLY;INTERVAL=${interval};BYDAY=${day}`;
          const inWindow = (w: string): boolean => w >= "2026-01-01" && w <= "2026-12-31";
          const ours = ruleInstances({ recur: ICAL.Recur.fromString(text), text }, start, limits).starts.map(wall);
          expect(ours.filter(inWindow)).toEqual(icalStarts(text, start).filter(inWindow));
        },
      ),
      { numRuns: 60 },
    );
  });

  it("leaves every other rule to ical.js or to the calendar-aware engine", () => {
    const start = ICAL.Time.fromDateTimeString("2026-01-05T09:00:00");
    expect(plainInstances(ICAL.Recur.fromString("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1"), start, limits)).toBeNull();
    expect(plainInstances(ICAL.Recur.fromString("FREQ=MONTHLY;BYDAY=1MO;BYMONTHDAY=1,2,3"), start, limits)).toBeNull();
    expect(plainInstances(ICAL.Recur.fromString("FREQ=WEEKLY;BYDAY=1MO"), start, limits)).toBeNull();
    expect(plainInstances(ICAL.Recur.fromString("FREQ=DAILY;BYHOUR=9,10"), start, limits)).toBeNull();
    expect(needsCalendarEngine("FREQ=YEARLY;BYWEEKNO=20")).toBe(true);
    expect(needsCalendarEngine("RSCALE=HEBREW;FREQ=YEARLY")).toBe(true);
    expect(needsCalendarEngine("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1")).toBe(true);
    expect(needsCalendarEngine("FREQ=MONTHLY;BYMONTHDAY=15")).toBe(false);
  });

  it("starts a rule without COUNT near the window instead of walking years of history", () => {
    const start = ICAL.Time.fromDateTimeString("1990-01-01T09:00:00");
    const text = "FREQ=DAILY";
    const got = ruleInstances({ recur: ICAL.Recur.fromString(text), text }, start, limits);
    // DTSTART, then the days from a little before the window on.
    expect(got.starts.length).toBeLessThan(370);
    expect(got.starts.map(wall)).toContain("2026-06-01T09:00:00");
  });
});
