import { z } from "zod";
import { DEMO_OWNER_EMAIL, DEMO_PASSWORD } from "../org/demo-core.ts";
import { loadDemo } from "../org/setup-service.ts";
import { defineCommand } from "./commands.ts";

export const seedCommand = defineCommand({
  name: "seed",
  summary: "Load a demo organization of a chosen size (people, weeks of history) into an empty install.",
  options: z.object({
    people: z.coerce.number().int().min(8).max(20_000).default(1000).describe("People in the organization"),
    weeks: z.coerce.number().int().min(1).max(260).default(52).describe("Weeks of history"),
  }),
  async run(ctx, { people, weeks }) {
    const started = performance.now();
    const result = await loadDemo(
      ctx.app,
      (step, done, total) =>
        ctx.print(`[${done}/${total}] ${step} (${((performance.now() - started) / 1000).toFixed(0)} s)`),
      { people, weeks },
    );
    if (!result.ok) {
      return ctx.fail("The organization is already set up; seed only loads into an empty install.");
    }
    ctx.print(`Loaded ${people} people in ${result.demo.teams.length} teams with ${weeks} weeks of history.`);
    ctx.print(
      `Sign in at ${ctx.app.config.baseUrl}/login as ${DEMO_OWNER_EMAIL} with the password "${DEMO_PASSWORD}".`,
    );
    return 0;
  },
});
