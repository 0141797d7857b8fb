import { z } from "zod";
import { invites } from "../auth/schema.ts";
import { generateToken, hashToken } from "../auth/tokens.ts";
import { isUniqueViolation } from "../db/errors.ts";
import { audit } from "../org/audit.ts";
import { getOrganization } from "../org/org.ts";
import { createPerson, findPersonByEmail } from "../people/people.ts";
import { defineCommand } from "./commands.ts";

/** How long an invite link printed by the CLI stays valid. */
export const CLI_INVITE_LIFETIME_MS = 7 * 86_400_000;

export const createAdminCommand = defineCommand({
  name: "create-admin",
  summary: "Create an owner or admin account; prints a one-time password, or an invite link with --invite.",
  options: z.object({
    email: z.email("an email address").describe("Their email address"),
    name: z.string().trim().min(1, "a name").max(120, "a name of at most 120 characters").describe("Their full name"),
    role: z.enum(["owner", "admin"], "owner or admin").default("admin").describe("owner or admin"),
    invite: z.boolean().default(false).describe("Print an invite link (valid 7 days) instead of a password"),
  }),
  async run(ctx, args) {
    const { db, clock, config } = ctx.app;
    const org = await getOrganization(db);
    if (!org) {
      return ctx.fail(
        'There is no organization yet: run "desktrust demo", or open /setup in the browser to create one first.',
      );
    }
    if (await findPersonByEmail(db, args.email))
      return ctx.fail(`A person with the email ${args.email} already exists.`);

    if (args.invite) {
      const token = generateToken();
      const now = clock.now();
      await db.transaction(async (tx) => {
        await tx.insert(invites).values({
          tokenHash: hashToken(token),
          email: args.email.toLowerCase(),
          name: args.name,
          role: args.role,
          expiresAt: new Date(now.getTime() + CLI_INVITE_LIFETIME_MS),
          createdAt: now,
        });
        await audit(tx, {
          actorId: null,
          action: "invite.created",
          target: args.email,
          details: { role: args.role, via: "cli" },
          at: now,
        });
      });
      ctx.print(
        `Invited ${args.name} <${args.email}> as ${args.role}. Send them this link (valid for 7 days, single use):`,
      );
      ctx.print(`${config.baseUrl}/invite/${token}`);
      return 0;
    }

    const password = generateToken();
    try {
      await db.transaction(async (tx) => {
        const person = await createPerson(tx, {
          email: args.email,
          name: args.name,
          role: args.role,
          timeZone: org.defaultTimeZone,
          password,
        });
        await audit(tx, {
          actorId: null,
          action: "person.created",
          target: person.email,
          details: { role: args.role, via: "cli" },
          at: clock.now(),
        });
      });
    } catch (error) {
      if (isUniqueViolation(error)) return ctx.fail(`A person with the email ${args.email} already exists.`);
      throw error;
    }
    ctx.print(`Created ${args.role} ${args.name} <${args.email}>.`);
    ctx.print(`One-time password (shown only now; change it after signing in at ${config.baseUrl}/login):`);
    ctx.print(password);
    return 0;
  },
});
