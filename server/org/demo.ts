import type { DbOrTx } from "../db/index.ts";

/** What a demo contributor can build on: the people and teams core created. */
export interface DemoOrg {
  ownerId: string;
  people: { id: string; email: string; name: string; timeZone: string; role: string }[];
  teams: { id: string; name: string; timeZone: string; memberIds: string[]; managerIds: string[] }[];
  /** "Now" for the demo: data is generated relative to this instant. */
  now: Date;
  /** Weeks of history to generate: 12 for the demo, more for `desktrust seed --weeks`. */
  weeks: number;
}

/**
 * Adds demo data after core created the people and teams. It gets the database itself, not one
 * long transaction: its statements commit as they go, so the portal keeps answering while the
 * demo loads (a failed load empties the install again).
 */
export interface DemoContributor {
  owner: string;
  contribute(db: DbOrTx, demo: DemoOrg): Promise<void>;
}
