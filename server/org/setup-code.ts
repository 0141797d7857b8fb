import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { eq } from "drizzle-orm";
import type { AppContext } from "../context.ts";
import { instanceSecrets } from "./schema.ts";

/**
 * The one-time setup code. An empty install reached over the network could otherwise be claimed
 * by its first visitor (HOST defaults to 0.0.0.0), so setup from anywhere but the machine itself
 * asks for a code that only someone who can read the server log knows — as Jenkins, Grafana's
 * plugins and other self-hosted tools do. It lives in the database so every instance logs and
 * accepts the same code.
 */
const SECRET_NAME = "setup-code";
const announced = new WeakSet<AppContext>();

/** The install's setup code, created on first use: 16 characters in four groups, e.g. `K7QD-3MZX-…`. */
export async function setupCode(ctx: AppContext): Promise<string> {
  const bytes = new Uint8Array(10);
  crypto.getRandomValues(bytes);
  const fresh = (encodeBase32UpperCaseNoPadding(bytes).match(/.{4}/g) ?? []).join("-");
  await ctx.db.insert(instanceSecrets).values({ name: SECRET_NAME, value: fresh }).onConflictDoNothing();
  const [row] = await ctx.db.select().from(instanceSecrets).where(eq(instanceSecrets.name, SECRET_NAME));
  if (!row) throw new Error("the setup code could not be stored");
  return row.value;
}

/**
 * Prints the setup code in the server log, once per process. Called when setup is first asked
 * for from the network; boot may call it too, so the code is in the log before anyone asks.
 */
export async function announceSetupCode(ctx: AppContext): Promise<void> {
  if (announced.has(ctx) || (await ctx.org.exists())) return;
  announced.add(ctx);
  ctx.logger.warn("setup code: DeskTrust is not set up yet; setup from another machine asks for this code", {
    setupCode: await setupCode(ctx),
  });
}

/** Whether `given` is the setup code (case, spaces and dashes ignored; compared in constant time). */
export async function isSetupCode(ctx: AppContext, given: string): Promise<boolean> {
  const normalize = (code: string): Uint8Array => new TextEncoder().encode(code.toUpperCase().replace(/[\s-]/g, ""));
  const expected = normalize(await setupCode(ctx));
  const actual = normalize(given);
  return actual.length === expected.length && constantTimeEqual(actual, expected);
}

/** The setup code is spent once the organization exists. */
export async function forgetSetupCode(ctx: AppContext): Promise<void> {
  await ctx.db.delete(instanceSecrets).where(eq(instanceSecrets.name, SECRET_NAME));
}
