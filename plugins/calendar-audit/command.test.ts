import { afterAll, describe, expect, it } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../server/testing/cli.ts";

// `desktrust calendar-audit:expand` as a user runs it: a subprocess on a fresh embedded database,
// one JSON line per occurrence on stdout, notes on stderr.

const fixtures = join(import.meta.dir, "fixtures");
const dataDir = mkdtempSync(join(tmpdir(), "desktrust-calendar-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const cli = (args: string[]) => runCli(args, { dataDir });

describe("calendar-audit:expand", () => {
  it("prints one JSON line per occurrence in the window, in start order", async () => {
    const { code, out } = await cli([
      "calendar-audit:expand",
      join(fixtures, "team-week.ics"),
      "--from",
      "2026-01-01T00:00:00Z",
      "--to",
      "2026-01-20T00:00:00Z",
    ]);
    expect(code).toBe(0);
    const lines = out
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l));
    const attendees = [
      { email: "olivia@acme.example", name: "Olivia Owner", partstat: "ACCEPTED", role: "REQ-PARTICIPANT" },
      { email: "ana@acme.example", name: "Ana", partstat: "ACCEPTED", role: "REQ-PARTICIPANT" },
      { email: "ben@acme.example", name: "Ben", partstat: "ACCEPTED", role: "REQ-PARTICIPANT" },
      { email: "cleo@acme.example", name: "Cleo", partstat: "TENTATIVE", role: "OPT-PARTICIPANT" },
    ];
    // 10:00 in Berlin is 09:00Z in winter; the lunch is a one-off without a recurrence id.
    expect(lines).toEqual([
      {
        uid: "team-week-status@acme.example",
        recurrenceId: "2026-01-05T09:00:00.000Z",
        start: "2026-01-05T09:00:00.000Z",
        end: "2026-01-05T10:00:00.000Z",
        allDay: false,
        summary: "Weekly status sync",
        attendees,
      },
      {
        uid: "team-week-lunch@acme.example",
        recurrenceId: null,
        start: "2026-01-08T11:00:00.000Z",
        end: "2026-01-08T12:00:00.000Z",
        allDay: false,
        summary: "Team lunch",
        attendees: [],
      },
      {
        uid: "team-week-status@acme.example",
        recurrenceId: "2026-01-12T09:00:00.000Z",
        start: "2026-01-12T09:00:00.000Z",
        end: "2026-01-12T10:00:00.000Z",
        allDay: false,
        summary: "Weekly status sync",
        attendees,
      },
      {
        uid: "team-week-status@acme.example",
        recurrenceId: "2026-01-19T09:00:00.000Z",
        start: "2026-01-19T09:00:00.000Z",
        end: "2026-01-19T10:00:00.000Z",
        allDay: false,
        summary: "Weekly status sync",
        attendees,
      },
    ]);
  }, 60_000);

  it("writes notes about skipped events to stderr, not into the JSON lines", async () => {
    const { code, out, err } = await cli([
      "calendar-audit:expand",
      join(fixtures, "truncated.ics"),
      "--from",
      "2026-01-01T00:00:00Z",
      "--to",
      "2026-12-01T00:00:00Z",
    ]);
    expect(code).toBe(0);
    for (const line of out.trimEnd().split("\n")) expect(Object.keys(JSON.parse(line))).toContain("uid");
    expect(err).toContain("damaged");
  }, 60_000);

  it("fails with a message for a missing file, a non-calendar and a window that ends before it starts", async () => {
    const missing = await cli(["calendar-audit:expand", join(fixtures, "nope.ics")]);
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain("No such file");
    const notCalendar = await cli(["calendar-audit:expand", join(import.meta.dir, "..", "..", "package.json")]);
    expect(notCalendar.code).not.toBe(0);
    expect(notCalendar.err).toContain("not an iCalendar file");
    const backwards = await cli([
      "calendar-audit:expand",
      join(fixtures, "team-week.ics"),
      "--from",
      "2026-03-01T00:00:00Z",
      "--to",
      "2026-01-01T00:00:00Z",
    ]);
    expect(backwards.code).not.toBe(0);
    expect(backwards.err).toContain("--to must be after --from");
    expect(backwards.out).toBe("");
  }, 60_000);
});
