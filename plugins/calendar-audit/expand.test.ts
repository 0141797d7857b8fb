import { describe, expect, it } from "bun:test";
import fc from "fast-check";
import { defaultWindow, type Expansion, expand, NotACalendarError } from "./expand.ts";

const window = { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-06-01T00:00:00Z") };
const fixture = (name: string): Promise<string> => Bun.file(`${import.meta.dir}/fixtures/${name}`).text();
const starts = (x: Expansion, uid: string): string[] => x.occurrences.filter((o) => o.uid === uid).map((o) => o.start);
const spans = (x: Expansion, uid: string): string[] =>
  x.occurrences.filter((o) => o.uid === uid).map((o) => `${o.start}/${o.end}`);

describe("expand", () => {
  it("reads only the properties it uses: alarms and other properties, even unparseable, change nothing", () => {
    const ics = (extra: string[], alarm: string[]): string =>
      [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "BEGIN:VEVENT",
        "UID:weekly-sync",
        "DTSTART;TZID=Europe/Berlin:20260302T100000",
        "DTEND;TZID=Europe/Berlin:20260302T103000",
        "RRULE:FREQ=WEEKLY;COUNT=3",
        "SUMMARY:Weekly sync",
        "SEQUENCE:0",
        "STATUS:CONFIRMED",
        ...extra,
        ...alarm,
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:weekly-sync",
        "RECURRENCE-ID;TZID=Europe/Berlin:20260309T100000",
        "DTSTART;TZID=Europe/Berlin:20260309T100000",
        "DTEND;TZID=Europe/Berlin:20260309T103000",
        "SEQUENCE:2",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "END:VCALENDAR",
      ].join("\r\n");
    const plain = expand(ics([], []), window);
    const noisy = expand(
      ics(
        [
          "DTSTAMP:not a date",
          'LOCATION;X-NOTE="unterminated:Room 1',
          "X-ALT-DESC;FMTTYPE=text/html:<html><body>",
          " <p>folded</p></body></html>",
        ],
        ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M", "DESCRIPTION:Reminder", "END:VALARM"],
      ),
      window,
    );
    expect(noisy).toEqual(plain);
    // The cancelled instance (its STATUS and SEQUENCE are still read) is left out.
    expect(starts(plain, "weekly-sync")).toEqual(["2026-03-02T09:00:00.000Z", "2026-03-16T09:00:00.000Z"]);
    expect(plain.problems).toEqual([]);
  });

  it("refuses a file of 70,000 unclosed alarms at once (matching alarms is linear)", () => {
    const alarms = Array.from({ length: 70_000 }, () => "BEGIN:VALARM").join("\r\n");
    const ics = `BEGIN:VCALENDAR\r\nVERSION:2.0\r\n${alarms}\r\nEND:VCALENDAR\r\n`;
    const started = performance.now();
    expect(() => expand(ics, window)).toThrow(NotACalendarError);
    // Quadratic matching would take minutes; linear takes milliseconds (seconds on a busy machine).
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it("reads a VTIMEZONE defined in the file and follows its DST rule", async () => {
    const x = expand(await fixture("vtimezone-custom.ics"), window);
    expect(spans(x, "custom-zone-weekly")).toEqual([
      "2026-03-16T08:00:00.000Z/2026-03-16T08:30:00.000Z",
      "2026-03-23T08:00:00.000Z/2026-03-23T08:30:00.000Z",
      "2026-03-30T07:00:00.000Z/2026-03-30T07:30:00.000Z",
    ]);
    expect(x.events[0]?.timeZone).toBe("Office Time");
  });

  it("maps Windows zone names to IANA, with or without a VTIMEZONE, and strips TZID prefixes", async () => {
    const x = expand(await fixture("windows-zones.ics"), window);
    // 10:00 Pacific: PST before 8 March, PDT after; UNTIL is inclusive.
    expect(starts(x, "outlook-pacific")).toEqual(["2026-03-03T18:00:00.000Z", "2026-03-10T17:00:00.000Z"]);
    expect(starts(x, "outlook-berlin-no-vtimezone")).toEqual(["2026-03-26T13:00:00.000Z", "2026-03-27T13:00:00.000Z"]);
    expect(spans(x, "mozilla-prefixed")).toEqual(["2026-03-05T00:00:00.000Z/2026-03-05T01:00:00.000Z"]);
    expect(x.events.map((e) => e.timeZone)).toEqual(["America/Los_Angeles", "Europe/Berlin", "Asia/Tokyo"]);
    expect(x.problems).toEqual([]);
  });

  it("reads floating times in X-WR-TIMEZONE and keeps UTC times as they are", async () => {
    const x = expand(await fixture("x-wr-timezone.ics"), window);
    expect(starts(x, "floating-standup")).toEqual([
      "2026-03-06T14:30:00.000Z",
      "2026-03-09T13:30:00.000Z",
      "2026-03-10T13:30:00.000Z",
    ]);
    expect(starts(x, "utc-event")).toEqual(["2026-03-06T15:00:00.000Z"]);
  });

  it("expands BYSETPOS, -1SU, INTERVAL with COUNT, and UNTIL in UTC or wall time", async () => {
    const x = expand(await fixture("rrule-rules.ics"), window);
    expect(starts(x, "last-workday")).toEqual([
      "2026-01-30T16:00:00.000Z",
      "2026-02-27T16:00:00.000Z",
      "2026-03-31T15:00:00.000Z",
      "2026-04-30T15:00:00.000Z",
    ]);
    expect(starts(x, "last-sunday")).toEqual([
      "2026-01-25T12:00:00.000Z",
      "2026-02-22T12:00:00.000Z",
      "2026-03-29T11:00:00.000Z",
      "2026-04-26T11:00:00.000Z",
    ]);
    expect(starts(x, "biweekly-count")).toEqual([
      "2026-03-02T14:00:00.000Z",
      "2026-03-05T14:00:00.000Z",
      "2026-03-16T13:00:00.000Z",
      "2026-03-19T13:00:00.000Z",
    ]);
    expect(starts(x, "floating-until")).toEqual([
      "2026-03-01T22:00:00.000Z",
      "2026-03-02T22:00:00.000Z",
      "2026-03-03T22:00:00.000Z",
    ]);
    expect(x.events.every((e) => e.hasEnd)).toBe(true);
  });

  it("applies EXDATE and RDATE given as dates and as date-times", async () => {
    const x = expand(await fixture("rdate-exdate.ics"), window);
    expect(starts(x, "weekly-with-exceptions")).toEqual([
      "2026-03-02T09:00:00.000Z",
      "2026-03-12T14:00:00.000Z",
      "2026-03-13T08:00:00.000Z",
      "2026-03-16T09:00:00.000Z",
      "2026-03-30T08:00:00.000Z",
    ]);
    expect(spans(x, "allday-rdate")).toEqual([
      "2026-03-05T00:00:00.000Z/2026-03-06T00:00:00.000Z",
      "2026-03-07T00:00:00.000Z/2026-03-08T00:00:00.000Z",
      "2026-03-19T00:00:00.000Z/2026-03-20T00:00:00.000Z",
    ]);
  });

  it("moves, shortens and cancels instances by RECURRENCE-ID and keeps an override without its master", async () => {
    const x = expand(await fixture("overrides.ics"), window);
    const series = x.occurrences.filter((o) => o.uid === "series-with-overrides");
    expect(series.map((o) => [o.recurrenceId, o.start, o.end, o.summary])).toEqual([
      ["2026-03-02T16:00:00.000Z", "2026-03-02T16:00:00.000Z", "2026-03-02T17:00:00.000Z", "Status meeting"],
      ["2026-03-09T15:00:00.000Z", "2026-03-10T18:00:00.000Z", "2026-03-10T19:00:00.000Z", "Status meeting (moved)"],
      ["2026-03-16T15:00:00.000Z", "2026-03-16T15:00:00.000Z", "2026-03-16T15:15:00.000Z", "Status meeting"],
    ]);
    const orphan = x.occurrences.filter((o) => o.uid === "orphan-instance");
    expect(orphan.map((o) => [o.recurrenceId, o.start, o.end])).toEqual([
      ["2026-03-04T09:00:00.000Z", "2026-03-04T09:30:00.000Z", "2026-03-04T10:00:00.000Z"],
    ]);
  });

  it("drops cancelled events and reads all-day (exclusive end) and DURATION events", async () => {
    const x = expand(await fixture("cancelled-allday-duration.ics"), window);
    expect(starts(x, "cancelled-series")).toEqual([]);
    expect(x.occurrences.map((o) => [o.uid, o.start, o.end, o.allDay])).toEqual([
      ["duration-event", "2026-03-04T11:00:00.000Z", "2026-03-04T11:45:00.000Z", false],
      ["offsite", "2026-03-10T00:00:00.000Z", "2026-03-13T00:00:00.000Z", true],
      ["duration-allday", "2026-03-20T00:00:00.000Z", "2026-03-22T00:00:00.000Z", true],
      ["holiday-no-end", "2026-04-06T00:00:00.000Z", "2026-04-07T00:00:00.000Z", true],
    ]);
    expect(x.events.find((e) => e.uid === "duration-event")?.durationMinutes).toBe(45);
  });

  it("reads attendees with PARTSTAT and ROLE, and keeps rooms and resources out of the people", async () => {
    const x = expand(await fixture("attendees.ics"), window);
    const event = x.events[0];
    expect(event?.attendees).toEqual([
      { email: "ada@example.com", name: "Ada Lovelace", partstat: "ACCEPTED", role: "CHAIR" },
      { email: "bob@example.com", name: "Bob", partstat: "DECLINED", role: "REQ-PARTICIPANT" },
      { email: "carol@partner.org", name: null, partstat: "TENTATIVE", role: "OPT-PARTICIPANT" },
    ]);
    expect(event?.rooms).toEqual(["Room 4.01", "Projector"]);
    expect(event?.organizer).toBe("ada@example.com");
  });

  it("strips a byte-order mark and unfolds folded lines", async () => {
    const x = expand(await fixture("bom-folded.ics"), window);
    expect(x.occurrences.map((o) => [o.uid, o.start, o.summary])).toEqual([
      [
        "bom-folded-uid",
        "2026-03-04T12:00:00.000Z",
        "A very long meeting title that Outlook folds because it is longer than seventy-five octets",
      ],
    ]);
    expect(x.occurrences[0]?.attendees[0]?.email).toBe("dana.scully@example.com");
    expect(x.occurrences[0]?.attendees[0]?.name).toBe("Dana, Scully");
  });

  it("imports the readable events of a truncated, garbled file and says what it skipped", async () => {
    const x = expand(await fixture("truncated.ics"), window);
    expect(x.occurrences.map((o) => o.uid)).toEqual(["good-one", "good-two"]);
    expect(x.problems.join(" ")).toContain("damaged");
    expect(x.problems.join(" ")).toContain("garbled");
  });

  it("cuts a rule without an end at the window and stops a runaway rule with a note", async () => {
    const now = new Date("2026-03-02T09:00:00Z");
    const w = defaultWindow(now);
    expect(w.from.toISOString()).toBe("2026-01-05T09:00:00.000Z");
    expect(w.to.toISOString()).toBe("2026-08-31T09:00:00.000Z");
    const x = expand(await fixture("unbounded.ics"), w);
    const daily = starts(x, "forever-daily");
    expect(daily[0]).toBe("2026-01-06T08:00:00.000Z"); // 5 Jan 09:00 CET is 08:00Z, before the window opens at 09:00Z
    expect(daily.at(-1)).toBe("2026-08-31T07:00:00.000Z"); // 09:00 CEST is 07:00Z, before the window closes at 09:00Z
    expect(daily).toHaveLength(238);
    expect(x.events.find((e) => e.uid === "forever-daily")?.hasEnd).toBe(false);
    expect(x.problems.join(" ")).toContain("Runaway rule");
  });

  it("keeps at most the configured number of attendees and says so", () => {
    const attendees = Array.from({ length: 3000 }, (_, i) => `ATTENDEE;PARTSTAT=ACCEPTED:mailto:p${i}@example.com`);
    const ics = [
      "BEGIN:VCALENDAR",
      "VERSION:2.0",
      "BEGIN:VEVENT",
      "UID:all-hands",
      "DTSTART:20260305T170000Z",
      "DTEND:20260305T180000Z",
      "SUMMARY:All hands",
      ...attendees,
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\r\n");
    const x = expand(ics, window, { maxAttendees: 500 });
    expect(x.events[0]?.attendees).toHaveLength(500);
    expect(x.events[0]?.attendeeTotal).toBe(3000);
    expect(x.problems).toEqual(['Event all-hands ("All hands") lists 3000 attendees; only the first 500 were kept.']);
  });

  it("refuses a file that is not a calendar", () => {
    expect(() => expand("%PDF-1.7 binary", window)).toThrow(NotACalendarError);
  });

  it("never throws on arbitrary text after a calendar header, and every occurrence ends after it starts", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (junk) => {
        try {
          const x = expand(`BEGIN:VCALENDAR\r\n${junk}`, window);
          return x.occurrences.every((o) => o.end >= o.start);
        } catch (error) {
          return error instanceof NotACalendarError;
        }
      }),
      { numRuns: 300 },
    );
  });

  // Hours 0-2 are left out: 02:00 does not exist on spring-forward days and moves to 03:00.
  it("expands a weekly rule to one occurrence per week in the window, whatever the start day and zone", () => {
    const zones = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 28 }),
        fc.integer({ min: 3, max: 23 }),
        fc.constantFrom(...zones),
        (day, hour, zone) => {
          const dt = `202603${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}0000`;
          const ics = `BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:w\r\nDTSTART;TZID=${zone}:${dt}\r\nDURATION:PT30M\r\nRRULE:FREQ=WEEKLY;COUNT=10\r\nEND:VEVENT\r\nEND:VCALENDAR`;
          const x = expand(ics, window);
          if (x.occurrences.length !== 10) return false;
          // Same local wall time every week.
          const locals = x.occurrences.map((o) =>
            Temporal.Instant.from(o.start).toZonedDateTimeISO(zone).toPlainTime().toString(),
          );
          return new Set(locals).size === 1;
        },
      ),
      { numRuns: 100 },
    );
  });
});
