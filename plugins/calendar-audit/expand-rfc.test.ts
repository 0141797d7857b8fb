import { describe, expect, it } from "bun:test";
import { type Expansion, expand } from "./expand.ts";

/** A calendar from VEVENT/VTIMEZONE lines (one string per line). */
const ics = (...lines: string[]): string =>
  ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//DeskTrust//test//EN", ...lines, "END:VCALENDAR"].join("\r\n");
const event = (uid: string, ...lines: string[]): string[] => ["BEGIN:VEVENT", `UID:${uid}`, ...lines, "END:VEVENT"];
const range = (from: string, to: string) => ({ from: new Date(from), to: new Date(to) });
const starts = (x: Expansion, uid: string): string[] =>
  x.occurrences.filter((o) => o.uid === uid).map((o) => o.start.replace(":00.000Z", "Z"));
const spans = (x: Expansion, uid: string): string[] =>
  x.occurrences.filter((o) => o.uid === uid).map((o) => `${o.start}/${o.end}`.replaceAll(":00.000Z", "Z"));

describe("expansion per RFC 5545 on the shapes real calendars use", () => {
  it("P1: expands the RFC's yearly examples: 20th Monday, week number 20, BYHOUR lists", () => {
    const x = expand(
      ics(
        ...event("twentieth-monday", "DTSTART:19970519T090000Z", "RRULE:FREQ=YEARLY;BYDAY=20MO;COUNT=3"),
        ...event("week-20-monday", "DTSTART:19970512T090000Z", "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO;COUNT=3"),
        ...event("week-20", "DTSTART:19970512T090000Z", "RRULE:FREQ=YEARLY;BYWEEKNO=20;COUNT=2"),
        ...event(
          "week-20-all-days",
          "DTSTART:19970512T090000Z",
          "RRULE:FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO,TU,WE,TH,FR,SA,SU;COUNT=14",
        ),
        ...event(
          "january-sundays",
          "DTSTART:19970105T083000Z",
          "RRULE:FREQ=YEARLY;INTERVAL=2;BYMONTH=1;BYDAY=SU;BYHOUR=8,9;BYMINUTE=30;COUNT=4",
        ),
      ),
      range("1997-01-01T00:00:00Z", "2000-01-01T00:00:00Z"),
    );
    expect(starts(x, "twentieth-monday")).toEqual(["1997-05-19T09:00Z", "1998-05-18T09:00Z", "1999-05-17T09:00Z"]);
    expect(starts(x, "week-20-monday")).toEqual(["1997-05-12T09:00Z", "1998-05-11T09:00Z", "1999-05-17T09:00Z"]);
    expect(starts(x, "week-20")).toEqual(["1997-05-12T09:00Z", "1998-05-11T09:00Z"]);
    expect(starts(x, "week-20-all-days")).toHaveLength(14);
    expect(starts(x, "january-sundays")).toEqual([
      "1997-01-05T08:30Z",
      "1997-01-05T09:30Z",
      "1997-01-12T08:30Z",
      "1997-01-12T09:30Z",
    ]);
  });

  it("P2: reads a VTIMEZONE whose onsets are DTSTART and RDATE, without a rule", () => {
    const x = expand(
      ics(
        "BEGIN:VTIMEZONE",
        "TZID:Office_Berlin",
        "BEGIN:STANDARD",
        "DTSTART:20131027T030000",
        "RDATE:20141026T030000",
        "TZOFFSETFROM:+0200",
        "TZOFFSETTO:+0100",
        "END:STANDARD",
        "BEGIN:DAYLIGHT",
        "DTSTART:20140330T020000",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0200",
        "END:DAYLIGHT",
        "END:VTIMEZONE",
        ...event("berlin", "DTSTART;TZID=Office_Berlin:20140325T100000", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=2"),
      ),
      range("2014-01-01T00:00:00Z", "2015-01-01T00:00:00Z"),
    );
    expect(starts(x, "berlin")).toEqual(["2014-03-25T09:00Z", "2014-04-01T08:00Z"]);
  });

  it("P3: maps Outlook display-name zones without a VTIMEZONE to IANA", () => {
    const x = expand(
      ics(
        ...event("eastern", 'DTSTART;TZID="(UTC-05:00) Eastern Time (US & Canada)":20260706T120000', "DURATION:PT1H"),
        ...event("sydney", 'DTSTART;TZID="(GMT+10:00) Canberra, Melbourne, Sydney":20261028T133000', "DURATION:PT1H"),
        ...event("offset", 'DTSTART;TZID="(GMT +01:00)":20261004T140000', "DURATION:PT1H"),
      ),
      range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    expect(starts(x, "eastern")).toEqual(["2026-07-06T16:00Z"]);
    expect(starts(x, "sydney")).toEqual(["2026-10-28T02:30Z"]);
    expect(starts(x, "offset")).toEqual(["2026-10-04T13:00Z"]);
    expect(x.problems).toEqual([
      'Time zone "(GMT +01:00)" names only an offset; its times were read at a fixed +01:00.',
    ]);
  });

  it("P4: reads a floating DTEND in the zone of its DTSTART", () => {
    const x = expand(
      ics(...event("floating-end", "DTSTART;TZID=America/New_York:20260302T090000", "DTEND:20260302T100000")),
      range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    expect(spans(x, "floating-end")).toEqual(["2026-03-02T14:00Z/2026-03-02T15:00Z"]);
  });

  it("P5: gives an RDATE PERIOD its own length", () => {
    const x = expand(
      ics(
        ...event(
          "periods",
          "DTSTART:20260302T090000Z",
          "DTEND:20260302T110000Z",
          "RDATE;VALUE=PERIOD:20260303T090000Z/20260303T120000Z,20260304T090000Z/PT4H",
        ),
      ),
      range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    expect(spans(x, "periods")).toEqual([
      "2026-03-02T09:00Z/2026-03-02T11:00Z",
      "2026-03-03T09:00Z/2026-03-03T12:00Z",
      "2026-03-04T09:00Z/2026-03-04T13:00Z",
    ]);
  });

  it("P6: applies RANGE=THISANDFUTURE to the named instance and every later one", () => {
    const x = expand(
      ics(
        ...event("weekly", "DTSTART:20240304T090000Z", "DTEND:20240304T100000Z", "RRULE:FREQ=WEEKLY;COUNT=4"),
        ...event(
          "weekly",
          "RECURRENCE-ID;RANGE=THISANDFUTURE:20240318T090000Z",
          "DTSTART:20240318T130000Z",
          "DTEND:20240318T133000Z",
          "SUMMARY:Moved to the afternoon",
        ),
      ),
      range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    );
    expect(spans(x, "weekly")).toEqual([
      "2024-03-04T09:00Z/2024-03-04T10:00Z",
      "2024-03-11T09:00Z/2024-03-11T10:00Z",
      "2024-03-18T13:00Z/2024-03-18T13:30Z",
      "2024-03-25T13:00Z/2024-03-25T13:30Z",
    ]);
  });

  it("P7: between two versions of an event or an instance, the higher SEQUENCE wins, not file order", () => {
    const x = expand(
      ics(
        ...event("s", "SEQUENCE:2", "DTSTART:20240701T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3"),
        ...event("s", "SEQUENCE:1", "DTSTART:20240701T150000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;COUNT=3"),
        ...event("s", "SEQUENCE:3", "RECURRENCE-ID:20240708T090000Z", "DTSTART:20240708T110000Z", "DURATION:PT1H"),
        ...event("s", "SEQUENCE:1", "RECURRENCE-ID:20240708T090000Z", "DTSTART:20240708T100000Z", "DURATION:PT1H"),
      ),
      range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    );
    expect(starts(x, "s")).toEqual(["2024-07-01T09:00Z", "2024-07-08T11:00Z", "2024-07-15T09:00Z"]);
  });

  it("P8: a malformed value drops only itself, with a note", () => {
    const x = expand(
      ics(
        ...event(
          "bad-exdate",
          "DTSTART:20250901T090000Z",
          "DURATION:PT1H",
          "RRULE:FREQ=WEEKLY;COUNT=3",
          "EXDATE:20250908",
          "RDATE:",
        ),
        ...event("bad-byday", "DTSTART:20250901T090000Z", "DURATION:PT1H", "RRULE:FREQ=WEEKLY;BYDAY=MO, TU;COUNT=4"),
        ...event("date-without-value", "DTSTART:20250905", "SUMMARY:Holiday"),
      ),
      range("2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
    );
    expect(starts(x, "bad-exdate")).toEqual(["2025-09-01T09:00Z", "2025-09-15T09:00Z"]);
    expect(starts(x, "bad-byday")).toEqual([
      "2025-09-01T09:00Z",
      "2025-09-02T09:00Z",
      "2025-09-08T09:00Z",
      "2025-09-09T09:00Z",
    ]);
    expect(spans(x, "date-without-value")).toEqual(["2025-09-05T00:00Z/2025-09-06T00:00Z"]);
    expect(x.problems).toHaveLength(3);
    expect(x.problems.join("\n")).toContain("EXDATE:20250908");
  });

  it("P9: an RDATE on an instance whose master is missing adds instances (Lotus Notes)", () => {
    const x = expand(
      ics(
        ...event(
          "notes",
          "RECURRENCE-ID:20260105T090000Z",
          "DTSTART:20260105T090000Z",
          "DURATION:PT1H",
          "RDATE:20260202T090000Z,20260302T090000Z,20260406T080000Z",
        ),
        ...event(
          "notes-berlin",
          "RECURRENCE-ID;TZID=Europe/Berlin:20260105T100000",
          "DTSTART;TZID=Europe/Berlin:20260105T100000",
          "DURATION:PT1H",
          "RDATE:20260406T080000Z",
          "RDATE;TZID=Europe/Berlin:20260504T100000",
        ),
      ),
      range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    expect(starts(x, "notes")).toEqual([
      "2026-01-05T09:00Z",
      "2026-02-02T09:00Z",
      "2026-03-02T09:00Z",
      "2026-04-06T08:00Z",
    ]);
    // Each RDATE in its own zone (UTC, or Berlin's summer time), whatever the event's.
    expect(spans(x, "notes-berlin")).toEqual([
      "2026-01-05T09:00Z/2026-01-05T10:00Z",
      "2026-04-06T08:00Z/2026-04-06T09:00Z",
      "2026-05-04T08:00Z/2026-05-04T09:00Z",
    ]);
  });

  it("P10: keeps DTSTART when UNTIL comes before it, and says so", () => {
    const x = expand(
      ics(...event("until-before", "DTSTART;VALUE=DATE:20231002", "RRULE:FREQ=WEEKLY;UNTIL=20230901")),
      range("2023-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
    );
    expect(starts(x, "until-before")).toEqual(["2023-10-02T00:00Z"]);
    expect(x.problems[0]).toContain("ends its rule before it starts");
  });

  it("P11: a day-based DURATION is nominal: 23 hours over the spring-forward night", () => {
    const x = expand(
      ics(...event("day", "DTSTART;TZID=Europe/Berlin:20240330T100000", "DURATION:P1D", "RRULE:FREQ=DAILY;COUNT=2")),
      range("2024-01-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    );
    expect(spans(x, "day")).toEqual(["2024-03-30T09:00Z/2024-03-31T08:00Z", "2024-03-31T08:00Z/2024-04-01T08:00Z"]);
  });

  it("P12: expands RSCALE rules in their calendar (RFC 7529), or keeps the first instance with a note", () => {
    const x = expand(
      ics(
        ...event("new-year", "DTSTART;VALUE=DATE:20130210", "RRULE:RSCALE=CHINESE;FREQ=YEARLY;COUNT=2"),
        ...event("leap-day", "DTSTART;VALUE=DATE:20120229", "RRULE:RSCALE=GREGORIAN;FREQ=YEARLY;SKIP=FORWARD;COUNT=2"),
        ...event("unknown-scale", "DTSTART;VALUE=DATE:20130210", "RRULE:RSCALE=KLINGON;FREQ=YEARLY;COUNT=2"),
        // The engine steps Ethiopic months as Gregorian ones: refused rather than imported wrong.
        ...event("pagume", "DTSTART;VALUE=DATE:20130906", "RRULE:RSCALE=ETHIOPIC;FREQ=MONTHLY;BYMONTH=13;COUNT=3"),
      ),
      range("2012-01-01T00:00:00Z", "2016-01-01T00:00:00Z"),
    );
    expect(starts(x, "new-year")).toEqual(["2013-02-10T00:00Z", "2014-01-31T00:00Z"]);
    expect(starts(x, "leap-day")).toEqual(["2012-02-29T00:00Z", "2013-03-01T00:00Z"]);
    expect(starts(x, "unknown-scale")).toEqual(["2013-02-10T00:00Z"]);
    expect(starts(x, "pagume")).toEqual(["2013-09-06T00:00Z"]);
    expect(x.problems).toHaveLength(2);
    expect(x.problems.join("\n")).toContain("RSCALE=KLINGON");
    expect(x.problems.join("\n")).toContain("RSCALE=ETHIOPIC");
  });

  it("P13: removes NUL bytes with a note instead of failing", () => {
    const x = expand(
      ics(...event("nul", "DTSTART:20260302T090000Z", "DURATION:PT1H", "SUMMARY:Stand\0up")),
      range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
    );
    expect(x.occurrences.map((o) => o.summary)).toEqual(["Standup"]);
    expect(x.problems).toEqual(["The file held 1 NUL byte; it was removed."]);
  });

  it("imports an event without a UID under a UID made from its content, the same on every import", () => {
    const text = ics("BEGIN:VEVENT", "DTSTART:20260302T090000Z", "SUMMARY:No UID", "END:VEVENT");
    const w = range("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
    const [a, b] = [expand(text, w), expand(text, w)];
    expect(a.occurrences).toHaveLength(1);
    expect(a.events[0]?.uid).toMatch(/^no-uid-/);
    expect(a.events[0]?.uid).toBe(b.events[0]?.uid as string);
    expect(a.problems[0]).toContain("no UID");
  });

  it("budget: caps occurrences per series and clamps a sub-daily rule to the window, saying what it left out", () => {
    const x = expand(
      ics(...event("every-minute", "DTSTART:19900101T000000Z", "DURATION:PT1M", "RRULE:FREQ=MINUTELY")),
      range("2026-03-02T00:00:00Z", "2026-03-03T00:00:00Z"),
      { budget: { maxOccurrencesPerSeries: 100 } },
    );
    expect(x.occurrences).toHaveLength(100);
    expect(x.occurrences[0]?.start).toBe("2026-03-02T00:00:00.000Z");
    expect(x.problems).toEqual([
      'Event every-minute ("(no title)") has more than 100 occurrences in the window; 1340 were left out.',
    ]);
  });

  it("budget: stops at the file's time budget and counts the events it did not reach", () => {
    const events = Array.from({ length: 50 }, (_, i) =>
      event(`e${i}`, "DTSTART:20260302T090000Z", "DURATION:PT1H", "RRULE:FREQ=DAILY"),
    ).flat();
    const x = expand(ics(...events), range("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"), { budget: { timeMs: 0 } });
    expect(x.occurrences).toHaveLength(0);
    expect(x.problems).toEqual(["The file took longer than 0 s to expand; 50 events were not expanded."]);
  });
});
