import type { Routes } from "../../http/access.ts";
import { forbidden, HttpError, notFound } from "../../http/errors.ts";
import { setFlash } from "../../http/flash.ts";
import { redirect } from "../../http/render.tsx";
import { findPerson } from "../../people/people.ts";
import { canEditPerson } from "../../people/people-admin.ts";
import { disableTwoFactor } from "./two-factor.ts";

export function twoFactorAdminRoutes(r: Routes): void {
  // For a person who lost both their phone and their recovery codes.
  r.post("/admin/people/:id/two-factor/reset", "admin", async (c) => {
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in to continue.");
    const ctx = c.get("app");
    const person = await findPerson(ctx.db, c.req.param("id") ?? "");
    if (!person) throw notFound("Person");
    if (!canEditPerson(viewer, person)) throw forbidden("Only an owner can change an owner's sign-in.");
    if (person.id === viewer.id) throw forbidden("Turn your own two-factor off on your profile.");
    const reset = await disableTwoFactor(ctx.db, { personId: person.id, actorId: viewer.id, at: ctx.clock.now() });
    setFlash(
      c,
      reset ? "success" : "info",
      reset ? `Two-factor is off for ${person.name}.` : `${person.name} had no two-factor.`,
    );
    return redirect(c, `/admin/people/${person.id}`);
  });
}
