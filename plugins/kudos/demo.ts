import type { DemoOrg, PluginServices, DbOrTx } from "../../server/plugin-api.ts";
import { kudos } from "./schema.ts";

const messages = [
  "Thanks for the crisp write-up of the incident — it saved us a meeting.",
  "Your review comments on the API change were kind and precise.",
  "You covered the release while half the team was out. Thank you!",
  "Great BLUF in this week's update; I knew exactly what you needed from me.",
  "Thanks for pairing on the migration, it went smoothly.",
];

/** A few weeks of kudos between teammates. */
export async function giveDemoKudos(tx: DbOrTx, demo: DemoOrg, _s: PluginServices): Promise<void> {
  const rows = demo.teams.flatMap((team, t) =>
    team.memberIds.slice(0, 5).map((fromId, i) => ({
      fromId,
      toId: team.memberIds[(i + 1) % team.memberIds.length] as string,
      message: messages[(i + t) % messages.length] as string,
      createdAt: new Date(demo.now.getTime() - (i * 3 + t + 1) * 86_400_000),
    })),
  );
  if (rows.length) await tx.insert(kudos).values(rows);
}
