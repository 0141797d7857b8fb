import { asc, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { DbOrTx } from "../../server/plugin-api.ts";
import {
  charterRows,
  charterVersions,
  type ResponderMode,
  responderModes,
  type TargetBasis,
  targetBases,
} from "./schema.ts";

export const workTypes = ["question", "review request", "decision", "incident", "hiring debrief"] as const;
export const mediums = ["portal", "chat", "email", "meeting"] as const;
/** Targets above this many hours are a typo, not a norm. */
export const MAX_TARGET_HOURS = 2000;

export interface CharterRow {
  workType: string;
  medium: string;
  targetMinutes: number;
  basis: TargetBasis;
  responders: ResponderMode;
  responderId: string | null;
}

export interface Charter {
  /** Null for the organization default. */
  versionId: string | null;
  version: number;
  createdAt: Date | null;
  rows: CharterRow[];
}

const row = (
  workType: string,
  medium: string,
  hours: number,
  basis: TargetBasis = "business",
  responders: ResponderMode = "addressees",
): CharterRow => ({ workType, medium, targetMinutes: hours * 60, basis, responders, responderId: null });

/** The organization default, used by a team that has not published its own charter. */
export const orgDefaultCharter: Charter = {
  versionId: null,
  version: 0,
  createdAt: null,
  rows: [
    row("question", "portal", 24),
    row("review request", "portal", 24),
    row("decision", "portal", 48),
    row("hiring debrief", "portal", 4),
    row("incident", "chat", 1, "calendar", "managers"),
  ],
};

/** The team's current charter (its latest version), or the organization default. */
export async function currentCharter(db: DbOrTx, teamId: string): Promise<Charter> {
  const [version] = await db
    .select()
    .from(charterVersions)
    .where(eq(charterVersions.teamId, teamId))
    .orderBy(desc(charterVersions.version))
    .limit(1);
  if (!version) return orgDefaultCharter;
  const rows = await db
    .select()
    .from(charterRows)
    .where(eq(charterRows.versionId, version.id))
    .orderBy(asc(charterRows.position));
  return {
    versionId: version.id,
    version: version.version,
    createdAt: version.createdAt,
    rows: rows.map((r) => ({
      workType: r.workType,
      medium: r.medium,
      targetMinutes: r.targetMinutes,
      basis: r.basis,
      responders: r.responders,
      responderId: r.responderId,
    })),
  };
}

/** Past versions, newest first, for the charter's history. */
export async function charterHistory(
  db: DbOrTx,
  teamId: string,
): Promise<{ version: number; createdAt: Date; rows: number }[]> {
  // Rows counted with a join and GROUP BY (one pass, and no ambiguous "id" inside a subquery).
  return db
    .select({
      version: charterVersions.version,
      createdAt: charterVersions.createdAt,
      rows: sql<number>`count(${charterRows.versionId})::int`,
    })
    .from(charterVersions)
    .leftJoin(charterRows, eq(charterRows.versionId, charterVersions.id))
    .where(eq(charterVersions.teamId, teamId))
    .groupBy(charterVersions.id, charterVersions.version, charterVersions.createdAt)
    .orderBy(desc(charterVersions.version));
}

/**
 * The charter row for an ask: its work type and medium; else the work type on any medium; else
 * the organization default for the same; else the default for a question.
 */
export function charterRowFor(charter: Charter, workType: string, medium: string): CharterRow {
  const find = (c: Charter): CharterRow | undefined =>
    c.rows.find((r) => r.workType === workType && r.medium === medium) ?? c.rows.find((r) => r.workType === workType);
  return find(charter) ?? find(orgDefaultCharter) ?? (orgDefaultCharter.rows[0] as CharterRow);
}

/** Publishes a new version; clocks already running keep the version they started with. */
export async function publishCharter(
  tx: DbOrTx,
  input: { teamId: string; rows: CharterRow[]; actorId: string; at: Date },
): Promise<number> {
  // Serialize publishers of one team so two managers never take the same version number.
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`sla.charter:${input.teamId}`}))`);
  const [last] = await tx
    .select({ version: charterVersions.version })
    .from(charterVersions)
    .where(eq(charterVersions.teamId, input.teamId))
    .orderBy(desc(charterVersions.version))
    .limit(1);
  const version = (last?.version ?? 0) + 1;
  const [created] = await tx
    .insert(charterVersions)
    .values({ teamId: input.teamId, version, createdById: input.actorId, createdAt: input.at })
    .returning({ id: charterVersions.id });
  await tx
    .insert(charterRows)
    .values(input.rows.map((r, position) => ({ ...r, versionId: (created as { id: string }).id, position })));
  return version;
}

const list = z.preprocess(
  (v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]),
  z.array(z.string().max(200, "Keep each value under 200 characters.")).max(50, "At most 50 rows."),
);

/** The charter form: parallel lists, one entry per row; rows with a blank work type are ignored. */
export const charterForm = z.object({
  workType: list,
  medium: list,
  targetHours: list,
  basis: list,
  responders: list,
  responderId: list,
});

export type ParsedCharter = { ok: true; rows: CharterRow[] } | { ok: false; errors: Record<string, string> };

/** Validates the charter form against the team's people (a named responder must be on the team). */
export function parseCharter(form: z.output<typeof charterForm>, teamPeople: Set<string>): ParsedCharter {
  const errors: Record<string, string> = {};
  const rows: CharterRow[] = [];
  const seen = new Set<string>();
  form.workType.forEach((raw, i) => {
    const workType = raw.trim().toLowerCase();
    if (!workType) return;
    const n = i + 1;
    const medium = (form.medium[i] ?? "").trim().toLowerCase();
    if (!(mediums as readonly string[]).includes(medium)) errors[`medium.${i}`] = `Row ${n}: choose a medium.`;
    const hours = Number((form.targetHours[i] ?? "").trim());
    if (!(form.targetHours[i] ?? "").trim() || !Number.isFinite(hours))
      errors[`targetHours.${i}`] = `Row ${n}: give the target in hours, e.g. 24.`;
    else if (hours <= 0) errors[`targetHours.${i}`] = `Row ${n}: the target must be more than 0 hours.`;
    else if (hours > MAX_TARGET_HOURS)
      errors[`targetHours.${i}`] = `Row ${n}: ${hours} hours is too long; the limit is ${MAX_TARGET_HOURS} hours.`;
    else if (Math.round(hours * 60) < 1) errors[`targetHours.${i}`] = `Row ${n}: the target must be at least a minute.`;
    const basis = form.basis[i] as TargetBasis;
    if (!targetBases.includes(basis)) errors[`basis.${i}`] = `Row ${n}: choose business or calendar hours.`;
    const responders = form.responders[i] as ResponderMode;
    if (!responderModes.includes(responders)) errors[`responders.${i}`] = `Row ${n}: choose who responds.`;
    const responderId = responders === "person" ? (form.responderId[i] ?? "").trim() : "";
    if (responders === "person" && !teamPeople.has(responderId))
      errors[`responderId.${i}`] = `Row ${n}: choose a person on the team.`;
    const key = `${workType}\u0000${medium}`;
    if (seen.has(key)) errors[`workType.${i}`] = `Row ${n}: "${workType}" on ${medium} is already in the charter.`;
    seen.add(key);
    if (workType.length > 60) errors[`workType.${i}`] = `Row ${n}: keep the work type under 60 characters.`;
    rows.push({
      workType,
      medium,
      targetMinutes: Math.round(hours * 60),
      basis,
      responders,
      responderId: responderId || null,
    });
  });
  if (!rows.length && !Object.keys(errors).length) errors.form = "Add at least one row.";
  return Object.keys(errors).length ? { ok: false, errors } : { ok: true, rows };
}

export function formatTarget(row: Pick<CharterRow, "targetMinutes" | "basis">): string {
  const hours = row.targetMinutes / 60;
  const n = Number.isInteger(hours) ? String(hours) : hours.toFixed(2).replace(/0+$/, "");
  return `${n} ${row.basis === "business" ? "business" : "calendar"} ${hours === 1 ? "hour" : "hours"}`;
}
