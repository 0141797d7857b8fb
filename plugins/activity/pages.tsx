import { eq } from "drizzle-orm";
import { z } from "zod";
import { HttpError, type PluginRoutes, people, readForm, requireViewer } from "../../server/plugin-api.ts";
import { registerDevice, revokeDevice } from "./devices.ts";
import { deleteOwn, exportCsv, exportOwn, setPaused } from "./my-activity.ts";
import { myPage } from "./my-activity-page.tsx";
import { uuidParam } from "./team-access.ts";
import { teamPage } from "./team-page.tsx";
import { transparencyPage } from "./transparency-page.tsx";

const deviceForm = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name the device (e.g. “Work laptop”).")
    .max(80, "Keep it under 80 characters.")
    .regex(/^[\p{L}\p{N} .,_'’()+-]+$/u, "Use letters, digits, spaces and . , _ - ' ( ) +."),
});
const collectionForm = z.object({ state: z.enum(["paused", "collecting"], "Choose pause or resume.") });
const deleteForm = z.object({
  confirm: z.literal("delete my activity", "Type “delete my activity” to confirm."),
});

export function activityPages(r: PluginRoutes<Record<string, unknown>>): void {
  r.get("/", "member", (_c, s) => myPage(s), { keepRendered: true });

  // A person's own page by id: only that person. Managers and admins get 403, not a view.
  r.get("/people/:personId", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const personId = uuidParam(c, "personId");
    const [person] = await s.db.select({ id: people.id }).from(people).where(eq(people.id, personId));
    if (!person) throw new HttpError(404, "There is no such person.");
    if (person.id !== viewer.id) throw new HttpError(403, "Activity is visible only to the person it belongs to.");
    return myPage(s);
  });

  r.post("/devices", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, deviceForm);
    if (!form.ok) return myPage(s, { errors: form.errors });
    const { token } = await registerDevice(s.db, { personId: viewer.id, name: form.data.name, at: s.clock.now() });
    return myPage(s, { token, status: 201 });
  });

  r.post("/devices/:id/revoke", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const id = uuidParam(c, "id");
    const form = await readForm(c, z.object({ confirm: z.literal("yes", "Confirm the revocation.") }));
    if (!form.ok) throw new HttpError(422, "Confirm the revocation.");
    if (!(await revokeDevice(s.db, viewer.id, id, s.clock.now())))
      throw new HttpError(404, "No such active device of yours.");
    s.flash("success", "Device revoked: its token no longer works.");
    return s.redirect("/activity");
  });

  r.post("/collection", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, collectionForm);
    if (!form.ok) throw new HttpError(422, "Choose pause or resume.", { fields: form.errors });
    await setPaused(s.db, viewer.id, form.data.state === "paused", s.clock.now());
    s.flash("success", form.data.state === "paused" ? "Collection paused." : "Collection resumed.");
    return s.redirect("/activity");
  });

  r.post("/delete", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, deleteForm);
    if (!form.ok) return myPage(s, { errors: form.errors });
    await s.transaction((tx) => deleteOwn(tx, viewer.id));
    s.flash("success", "Your activity data was deleted.");
    return s.redirect("/activity");
  });

  r.get("/export.json", "member", async (c, s) => {
    const viewer = requireViewer(s);
    c.header("Content-Disposition", 'attachment; filename="my-activity.json"');
    return c.json(await exportOwn(s.db, viewer.id));
  });

  r.get("/export.csv", "member", async (c, s) => {
    const viewer = requireViewer(s);
    c.header("Content-Type", "text/csv; charset=utf-8");
    c.header("Content-Disposition", 'attachment; filename="my-activity.csv"');
    return c.body(exportCsv(await exportOwn(s.db, viewer.id)));
  });

  r.get("/teams/:teamId", "member", (c, s) => teamPage(c, s), { keepRendered: true });
  r.get("/transparency", "member", (_c, s) => transparencyPage(s));
}
