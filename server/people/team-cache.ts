import type { Db } from "../db/index.ts";
import { type TeamSummary, teamsOf } from "./teams.ts";

/** Each person's teams, as `teamsOf` reads them, kept in memory between requests. */
export interface TeamMemberships {
  of(personId: string): Promise<TeamSummary[]>;
  /** Forgets everything: a membership changed (on any instance, see server/changes). */
  clear(): void;
}

const MAX_PEOPLE = 10_000;

/**
 * Nearly every page asks for the viewer's teams. Changes made through the admin pages are
 * announced to every instance, which forgets what it kept; an entry also expires after
 * `maxAgeMs` (SETTINGS_CACHE_MS), which bounds how long any other change (SCIM, sign-in
 * provisioning, an invite accepted) takes to show. `maxAgeMs` 0 keeps nothing.
 */
export function teamMemberships(db: Db, maxAgeMs: number, now: () => number = Date.now): TeamMemberships {
  const kept = new Map<string, { at: number; teams: Promise<TeamSummary[]> }>();
  return {
    async of(personId) {
      if (maxAgeMs <= 0) return teamsOf(db, personId);
      let entry = kept.get(personId);
      if (!entry || now() - entry.at >= maxAgeMs) {
        if (kept.size >= MAX_PEOPLE) kept.clear();
        entry = { at: now(), teams: teamsOf(db, personId) };
        kept.set(personId, entry);
        entry.teams.catch(() => kept.delete(personId));
      }
      // Copies: a caller that sorts or edits its list must not change the next request's.
      return (await entry.teams).map((team) => ({ ...team }));
    },
    clear: () => kept.clear(),
  };
}
