import type { Context } from "hono";
import { z } from "zod";
import { type Routes, viewerOf } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError, notFound } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { email, type FormValues, readForm, text, timeZone } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { isCalendarDate } from "./local-time.ts";
import { addOutOfOffice, deleteOutOfOffice, outOfOfficeFor, outOfOfficeForm } from "./out-of-office.ts";
import { findPerson, isUuid, type Person } from "./people.ts";
import { listPeople, type PeopleFilter, peopleFilters, updatePerson } from "./people-admin.ts";
import { PeopleListPage, PersonPage, type PersonPageProps, personFormValues } from "./people-views.tsx";
import { roles } from "./schema.ts";
import { workingHoursFromForm } from "./working-hours.ts";

const personForm = z.object({
  name: text("Name", 120),
  email: email(),
  role: z.enum(roles, { error: "Choose a role from the list." }),
  timeZone: timeZone(),
  startDate: z
    .string()
    .trim()
    .optional()
    .transform((v) => v || null)
    .refine((v) => v === null || isCalendarDate(v), "Enter the start date as YYYY-MM-DD."),
  status: z.enum(["active", "deactivated"], { error: "Choose active or deactivated." }),
});

async function loadPerson(c: Context<AppEnv>): Promise<Person> {
  const id = c.req.param("id") ?? "";
  const person = isUuid(id) ? await findPerson(c.get("app").db, id) : null;
  if (!person) throw notFound("Person");
  return person;
}

/** Renders the person page; every variant (GET, failed save, failed out-of-office) goes through here. */
async function personPage(
  c: Context<AppEnv>,
  person: Person,
  state: {
    values?: FormValues;
    errors?: FieldErrors;
    message?: string;
    ooo?: Omit<PersonPageProps["ooo"], "periods">;
    status?: 200 | 409 | 422;
  } = {},
): Promise<Response> {
  const ctx = c.get("app");
  const now = ctx.clock.now();
  const periods = await outOfOfficeFor(ctx.db, person.id, now);
  return page(
    c,
    <PersonPage
      person={person}
      viewer={viewerOf(c)}
      values={state.values ?? personFormValues(person)}
      errors={state.errors ?? {}}
      message={state.message}
      ooo={{ ...state.ooo, periods }}
      now={now}
    />,
    { title: person.name, status: state.status ?? 200 },
  );
}

export function peopleRoutes(r: Routes): void {
  r.get("/admin/people", "admin", async (c) => {
    const asked = c.req.query("status") ?? "active";
    const filter: PeopleFilter = (peopleFilters as readonly string[]).includes(asked)
      ? (asked as PeopleFilter)
      : "active";
    const pageNumber = Math.min(Math.max(0, Number.parseInt(c.req.query("page") ?? "1", 10) - 1 || 0), 10_000);
    const { people, hasMore } = await listPeople(c.get("app").db, filter, pageNumber);
    return page(c, <PeopleListPage people={people} filter={filter} page={pageNumber + 1} hasMore={hasMore} />, {
      title: "People",
    });
  });

  r.get("/admin/people/:id", "admin", async (c) => personPage(c, await loadPerson(c)));

  r.post("/admin/people/:id", "admin", async (c) => {
    const ctx = c.get("app");
    const person = await loadPerson(c);
    const form = await readForm(c, personForm);
    const hours = workingHoursFromForm(form.values);
    if (!form.ok || "errors" in hours) {
      const errors: FieldErrors = { ...(form.ok ? {} : form.errors), ...("errors" in hours ? hours.errors : {}) };
      return personPage(c, person, { values: form.values, errors, status: 422 });
    }
    const result = await updatePerson(ctx.db, {
      actor: viewerOf(c),
      personId: person.id,
      changes: { ...form.data, workingHours: hours.hours },
      at: ctx.clock.now(),
    });
    if (!result.ok) {
      if (result.status === 422)
        return personPage(c, person, { values: form.values, errors: result.errors, status: 422 });
      if (result.status === 409)
        return personPage(c, person, { values: form.values, message: result.message, status: 409 });
      throw new HttpError(result.status, result.message);
    }
    const signedOut = result.signedOut ? ` They were signed out of ${plural(result.signedOut, "session")}.` : "";
    setFlash(c, "success", `Saved ${result.person.name}.${signedOut}`);
    return redirect(c, `/admin/people/${person.id}`);
  });

  r.post("/admin/people/:id/ooo", "admin", async (c) => {
    const ctx = c.get("app");
    const person = await loadPerson(c);
    const form = await readForm(c, outOfOfficeForm(person.timeZone));
    if (!form.ok) return personPage(c, person, { ooo: { values: form.values, errors: form.errors }, status: 422 });
    await addOutOfOffice(ctx.db, { ...form.data, personId: person.id, actorId: viewerOf(c).id, at: ctx.clock.now() });
    setFlash(c, "success", `Out-of-office period added for ${person.name}.`);
    return redirect(c, `/admin/people/${person.id}`);
  });

  r.post("/admin/people/:id/ooo/:oooId/delete", "admin", async (c) => {
    const ctx = c.get("app");
    const person = await loadPerson(c);
    const periodId = c.req.param("oooId") ?? "";
    const deleted =
      isUuid(periodId) &&
      (await deleteOutOfOffice(ctx.db, {
        personId: person.id,
        periodId,
        actorId: viewerOf(c).id,
        at: ctx.clock.now(),
      }));
    if (!deleted) throw notFound("Out-of-office period");
    setFlash(c, "success", "Out-of-office period deleted.");
    return redirect(c, `/admin/people/${person.id}`);
  });
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
