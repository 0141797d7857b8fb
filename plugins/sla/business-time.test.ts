import { describe, expect, it } from "bun:test";
import fc from "fast-check";
import {
  alwaysOpen,
  businessMsBetween,
  type CalendarSpec,
  compileCalendar,
  dueInstant,
  dueMs,
  isTimeZone,
} from "./business-time.ts";

const HOUR = 3_600_000;
const weekdays = (intervals: [string, string][]): CalendarSpec["open"] =>
  Object.fromEntries([1, 2, 3, 4, 5].map((d) => [d, intervals]));
const spec = (timeZone: string, intervals: [string, string][] = [["09:00", "17:00"]], holidays: string[] = []) =>
  compileCalendar({ timeZone, open: weekdays(intervals), holidays });
const at = (iso: string): number => Temporal.ZonedDateTime.from(iso).epochMilliseconds;

const zones = [
  "America/New_York",
  "Europe/Berlin",
  "Australia/Sydney",
  "Australia/Adelaide",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "UTC",
];
const calendars = zones.flatMap((zone) => [
  spec(zone),
  spec(zone, [
    ["09:00", "12:30"],
    ["13:30", "17:30"],
  ]),
  // Open across the night, so DST gaps and repeats (usually 01:00–03:00) fall inside open time.
  compileCalendar({
    timeZone: zone,
    open: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [["00:00", "24:00"]]])),
    holidays: ["2026-12-25"],
  }),
]);

const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) });
const calendarArb = fc.constantFrom(...calendars);
const budget = fc.integer({ min: 1, max: 2000 * 3600 }).map((s) => s * 1000);

describe("business-time properties", () => {
  it("elapsed(s, due(s, b)) == b", () => {
    fc.assert(
      fc.property(calendarArb, instant, budget, (cal, s, b) => {
        const due = dueMs(cal, s, b);
        expect(due).not.toBeNull();
        expect(businessMsBetween(cal, s, due as number)).toBe(b);
      }),
      { numRuns: 2000 },
    );
  });

  it("due is the earliest such instant: one ms earlier, less has elapsed", () => {
    fc.assert(
      fc.property(calendarArb, instant, budget, (cal, s, b) => {
        const due = dueMs(cal, s, b) as number;
        expect(businessMsBetween(cal, s, due - 1)).toBeLessThan(b);
      }),
    );
  });

  it("is monotonic in the end instant and in the budget", () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, instant, (cal, a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p - q) as [number, number, number];
        expect(businessMsBetween(cal, x, y)).toBeLessThanOrEqual(businessMsBetween(cal, x, z));
        expect(businessMsBetween(cal, x, y)).toBeGreaterThanOrEqual(0);
      }),
    );
    fc.assert(
      fc.property(calendarArb, instant, budget, budget, (cal, s, b1, b2) => {
        const [lo, hi] = b1 < b2 ? [b1, b2] : [b2, b1];
        expect(dueMs(cal, s, lo) as number).toBeLessThanOrEqual(dueMs(cal, s, hi) as number);
      }),
    );
  });

  it("is additive over any split point", () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, instant, (cal, a, b, m) => {
        expect(businessMsBetween(cal, a, b)).toBe(businessMsBetween(cal, a, m) + businessMsBetween(cal, m, b));
      }),
      { numRuns: 2000 },
    );
  });

  it("never counts more than wall-clock time, and calendar hours are wall-clock time", () => {
    fc.assert(
      fc.property(calendarArb, instant, instant, (cal, a, b) => {
        const [x, y] = a < b ? [a, b] : [b, a];
        expect(businessMsBetween(cal, x, y)).toBeLessThanOrEqual(y - x);
        expect(businessMsBetween(alwaysOpen, x, y)).toBe(y - x);
      }),
    );
  });
});

describe("business-time by hand", () => {
  it("counts one 8-hour weekday, and nothing on the weekend", () => {
    const cal = spec("Europe/Berlin");
    expect(businessMsBetween(cal, at("2026-03-02T00:00[Europe/Berlin]"), at("2026-03-03T00:00[Europe/Berlin]"))).toBe(
      8 * HOUR,
    );
    expect(businessMsBetween(cal, at("2026-03-07T00:00[Europe/Berlin]"), at("2026-03-09T00:00[Europe/Berlin]"))).toBe(
      0,
    );
  });

  it("treats intervals as half-open: the closing minute is not business time", () => {
    const cal = spec("UTC");
    expect(businessMsBetween(cal, Date.parse("2026-03-02T17:00:00Z"), Date.parse("2026-03-02T18:00:00Z"))).toBe(0);
    expect(businessMsBetween(cal, Date.parse("2026-03-02T08:00:00Z"), Date.parse("2026-03-02T09:00:00Z"))).toBe(0);
    expect(dueMs(cal, Date.parse("2026-03-02T16:00:00Z"), HOUR)).toBe(Date.parse("2026-03-02T17:00:00Z"));
  });

  it("skips the lunch break and carries a budget over to the next open day", () => {
    const cal = spec("Europe/Berlin", [
      ["09:00", "12:30"],
      ["13:30", "17:30"],
    ]);
    // Friday 11:00 + 24 business hours (7.5 h a day): Fri 5.5 h, Mon 7.5, Tue 7.5, Wed 3.5 → Wed 12:30.
    const due = dueInstant(cal, new Date(at("2026-03-06T11:00[Europe/Berlin]")), 24 * 3600);
    expect(due?.getTime()).toBe(at("2026-03-11T12:30[Europe/Berlin]"));
  });

  it("skips holidays", () => {
    const cal = spec("America/New_York", [["09:00", "17:00"]], ["2026-07-03"]);
    const due = dueInstant(cal, new Date(at("2026-07-02T16:00[America/New_York]")), 2 * 3600);
    expect(due?.getTime()).toBe(at("2026-07-06T10:00[America/New_York]"));
  });

  const allDay = (zone: string) =>
    compileCalendar({
      timeZone: zone,
      open: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [["00:00", "24:00"]]])),
      holidays: [],
    });
  const dayLength = (zone: string, date: string, next: string) =>
    businessMsBetween(allDay(zone), at(`${date}T00:00[${zone}]`), at(`${next}T00:00[${zone}]`)) / HOUR;

  it("has 23- and 25-hour days across US, EU and Australian DST changes", () => {
    expect(dayLength("America/New_York", "2026-03-08", "2026-03-09")).toBe(23);
    expect(dayLength("America/New_York", "2026-11-01", "2026-11-02")).toBe(25);
    expect(dayLength("Europe/Berlin", "2026-03-29", "2026-03-30")).toBe(23);
    expect(dayLength("Europe/Berlin", "2026-10-25", "2026-10-26")).toBe(25);
    expect(dayLength("Australia/Sydney", "2026-04-05", "2026-04-06")).toBe(25);
    expect(dayLength("Australia/Sydney", "2026-10-04", "2026-10-05")).toBe(23);
    expect(dayLength("Australia/Adelaide", "2026-10-04", "2026-10-05")).toBe(23);
    expect(dayLength("Australia/Lord_Howe", "2026-10-04", "2026-10-05")).toBe(23.5);
    expect(dayLength("Asia/Kolkata", "2026-03-08", "2026-03-09")).toBe(24);
  });

  it("counts nothing for open local times that fall in a spring-forward gap", () => {
    // 02:00–03:00 does not exist in New York on 8 March 2026.
    const cal = compileCalendar({ timeZone: "America/New_York", open: { 7: [["02:00", "03:00"]] }, holidays: [] });
    expect(
      businessMsBetween(cal, at("2026-03-08T00:00[America/New_York]"), at("2026-03-09T00:00[America/New_York]")),
    ).toBe(0);
    const partly = compileCalendar({ timeZone: "America/New_York", open: { 7: [["01:30", "03:30"]] }, holidays: [] });
    expect(
      businessMsBetween(partly, at("2026-03-08T00:00[America/New_York]"), at("2026-03-09T00:00[America/New_York]")),
    ).toBe(HOUR);
  });

  it("counts repeated local times twice on a fall-back night", () => {
    // Berlin repeats 02:00–03:00 on 25 October 2026.
    const cal = compileCalendar({ timeZone: "Europe/Berlin", open: { 7: [["02:00", "03:00"]] }, holidays: [] });
    expect(businessMsBetween(cal, at("2026-10-25T00:00[Europe/Berlin]"), at("2026-10-26T00:00[Europe/Berlin]"))).toBe(
      2 * HOUR,
    );
  });

  it("keeps the business day across the wall clock in a Monday-morning DST change (Sydney)", () => {
    // Sydney springs forward Sunday 4 October 2026 at 02:00; Monday 09:00 local is 23:00Z Sunday.
    const cal = spec("Australia/Sydney");
    expect(dueMs(cal, at("2026-10-02T16:00[Australia/Sydney]"), 2 * HOUR)).toBe(
      at("2026-10-05T10:00[Australia/Sydney]"),
    );
    expect(new Date(at("2026-10-05T09:00[Australia/Sydney]")).toISOString()).toBe("2026-10-04T22:00:00.000Z");
  });

  it("handles :30 and :45 offsets (Kolkata, Kathmandu, Adelaide)", () => {
    const kolkata = spec("Asia/Kolkata");
    expect(dueMs(kolkata, Date.parse("2026-03-02T03:00:00Z"), HOUR)).toBe(Date.parse("2026-03-02T04:30:00Z"));
    const kathmandu = spec("Asia/Kathmandu");
    // 09:00 in Kathmandu (+05:45) is 03:15Z.
    expect(businessMsBetween(kathmandu, Date.parse("2026-03-02T00:00:00Z"), Date.parse("2026-03-02T04:15:00Z"))).toBe(
      HOUR,
    );
    const adelaide = spec("Australia/Adelaide");
    // Adelaide is +10:30 in March (daylight time): 09:00 is 22:30Z the day before.
    expect(dueMs(adelaide, Date.parse("2026-03-01T22:00:00Z"), 30 * 60_000)).toBe(Date.parse("2026-03-01T23:00:00Z"));
    // After 5 April it is +09:30: 09:00 is 23:30Z.
    expect(dueMs(adelaide, Date.parse("2026-04-06T23:00:00Z"), 30 * 60_000)).toBe(Date.parse("2026-04-07T00:00:00Z"));
  });

  it("steps by calendar date, not 24 hours, across a 25-hour day", () => {
    const cal = spec("America/New_York");
    // Friday 30 Oct 16:00 + 2 business hours → Monday 2 Nov 10:00 local, though Sunday had 25 hours.
    expect(dueMs(cal, at("2026-10-30T16:00[America/New_York]"), 2 * HOUR)).toBe(
      at("2026-11-02T10:00[America/New_York]"),
    );
  });

  it("has no due instant for a calendar that is never open, and knows its zones", () => {
    const closed = compileCalendar({ timeZone: "UTC", open: {}, holidays: [] });
    expect(dueMs(closed, Date.parse("2026-03-02T00:00:00Z"), HOUR)).toBeNull();
    expect(isTimeZone("Asia/Kathmandu")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
    expect(() => compileCalendar({ timeZone: "Nowhere/Land", open: {}, holidays: [] })).toThrow();
  });
});
