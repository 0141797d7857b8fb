import { z } from "zod";
import { DEMO_OWNER_EMAIL, DEMO_PASSWORD } from "../org/demo-core.ts";
import { loadDemo } from "../org/setup-service.ts";
import { defineCommand } from "./commands.ts";

export const demoCommand = defineCommand({
  name: "demo",
  summary: "Load the demo organization (teams, people, sample data) into an empty install.",
  options: z.object({}),
  async run(ctx) {
    const result = await loadDemo(ctx.app, (step, done, total) => ctx.print(`[${done}/${total}] ${step}`));
    if (!result.ok) {
      return ctx.fail("The organization is already set up; the demo only loads into an empty install.");
    }
    ctx.print("Loaded the demo organization.");
    ctx.print(
      `Sign in at ${ctx.app.config.baseUrl}/login as ${DEMO_OWNER_EMAIL} with the password "${DEMO_PASSWORD}".`,
    );
    ctx.print("Every demo account uses that password.");
    return 0;
  },
});
