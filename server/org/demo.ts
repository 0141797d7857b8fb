import type { Tx } from "../db/index.ts";

/** What a demo contributor can build on: the people and teams core created. */
export interface DemoOrg {
  ownerId: string;
  people: { id: string; email: string; name: string; timeZone: string; role: string }[];
  teams: { id: string; name: string; timeZone: string; memberIds: string[]; managerIds: string[] }[];
  /** "Now" for the demo: data is generated relative to this instant. */
  now: Date;
}

/** Adds demo data in the demo's transaction. Core contributes people and teams first. */
export interface DemoContributor {
  owner: string;
  contribute(tx: Tx, demo: DemoOrg): Promise<void>;
}
