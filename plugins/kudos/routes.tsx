import { and, asc, eq, ne } from "drizzle-orm";
import { z } from "zod";
import {
  EmptyState,
  type FieldErrors,
  FormErrors,
  formatInstantDay,
  HttpError,
  PageHeader,
  type PluginRoutes,
  people,
  readForm,
  requireViewer,
  type SafeHtml,
} from "../../server/plugin-api.ts";
import { giveKudos, givenSince, type KudosView, recentKudos } from "./kudos.ts";
import type { KudosSettings } from "./settings.ts";

export function KudosList(props: { items: KudosView[]; timeZone: string }): SafeHtml {
  if (!props.items.length) {
    return (
      <EmptyState title="No kudos yet.">
        <p>Thank a teammate for something specific they did this week.</p>
      </EmptyState>
    );
  }
  return (
    <ul class="plain-list">
      {props.items.map((k) => (
        <li>
          <strong>{k.fromName}</strong> → <strong>{k.toName}</strong>: {k.message}{" "}
          <time class="muted small" datetime={k.createdAt.toISOString()}>
            {formatInstantDay(k.createdAt, props.timeZone)}
          </time>
        </li>
      ))}
    </ul>
  );
}

function GiveForm(props: {
  colleagues: { id: string; name: string }[];
  errors: FieldErrors;
  values: Record<string, string>;
}): SafeHtml {
  return (
    <form method="post" action="/kudos" class="stack" novalidate>
      <FormErrors errors={props.errors} />
      <div class={props.errors.toId ? "field has-error" : "field"}>
        <label for="f-toId">To</label>
        <select id="f-toId" name="toId">
          <option value="">Choose a colleague…</option>
          {props.colleagues.map((p) => (
            <option value={p.id} selected={props.values.toId === p.id}>
              {p.name}
            </option>
          ))}
        </select>
        {props.errors.toId ? <p class="field-error">{props.errors.toId}</p> : null}
      </div>
      <div class={props.errors.message ? "field has-error" : "field"}>
        <label for="f-message">What did they do?</label>
        <textarea id="f-message" name="message" maxlength="500">
          {props.values.message ?? ""}
        </textarea>
        {props.errors.message ? <p class="field-error">{props.errors.message}</p> : null}
      </div>
      <div>
        <button type="submit">Send kudos</button>
      </div>
    </form>
  );
}

const giveSchema = z.object({
  toId: z.uuid("Choose a colleague."),
  message: z
    .string()
    .trim()
    .min(3, "Say what they did (at least 3 characters).")
    .max(500, "Keep it under 500 characters."),
});

const weekMs = 7 * 86_400_000;

export function kudosPages(r: PluginRoutes<KudosSettings>): void {
  const render = async (
    s: Parameters<Parameters<PluginRoutes<KudosSettings>["get"]>[2]>[1],
    errors: FieldErrors = {},
    values: Record<string, string> = {},
  ): Promise<Response> => {
    const viewerId = s.viewer?.id ?? "";
    const colleagues = await s.db
      .select({ id: people.id, name: people.name })
      .from(people)
      .where(and(eq(people.status, "active"), ne(people.id, viewerId)))
      .orderBy(asc(people.name));
    const items = await recentKudos(s.db, { limit: 30 });
    return s.page(
      <>
        <PageHeader title="Kudos" />
        <div class="split">
          <section class="card" aria-labelledby="recent">
            <h2 id="recent">Recent kudos</h2>
            <KudosList items={items} timeZone={s.viewer?.timeZone ?? "UTC"} />
          </section>
          <section class="card" aria-labelledby="give">
            <h2 id="give">Give kudos</h2>
            <GiveForm colleagues={colleagues} errors={errors} values={values} />
          </section>
        </div>
      </>,
      { title: "Kudos", status: Object.keys(errors).length ? 422 : 200 },
    );
  };

  r.get("/", "member", (_c, s) => render(s));

  r.post("/", "member", async (c, s) => {
    const viewer = requireViewer(s);
    const form = await readForm(c, giveSchema);
    const values = Object.fromEntries(Object.entries(form.values).map(([k, v]) => [k, String(v)]));
    if (!form.ok) return render(s, form.errors, values);
    if (form.data.toId === viewer.id) return render(s, { toId: "Kudos are for someone else." }, values);
    const [recipient] = await s.db
      .select({ id: people.id, status: people.status })
      .from(people)
      .where(eq(people.id, form.data.toId));
    if (recipient?.status !== "active") return render(s, { toId: "Choose a colleague from the list." }, values);
    const settings = await s.settings();
    const now = s.clock.now();
    if ((await givenSince(s.db, viewer.id, new Date(now.getTime() - weekMs))) >= settings.maxPerWeek) {
      throw new HttpError(429, `You have given ${settings.maxPerWeek} kudos this week, the limit set by your admin.`);
    }
    await s.transaction(async (tx) => {
      const given = await giveKudos(tx, {
        fromId: viewer.id,
        toId: form.data.toId,
        message: form.data.message,
        at: now,
      });
      await s.emit(tx, "kudos.given", { kudosId: given.id, fromId: viewer.id, toId: given.toId });
    });
    s.flash("success", "Kudos sent.");
    return s.redirect("/kudos");
  });
}

export function kudosApi(r: PluginRoutes<KudosSettings>): void {
  r.get("/", "member", async (c, s) => {
    const items = await recentKudos(s.db, { limit: 50 });
    return c.json({ kudos: items.map((k) => ({ ...k, createdAt: k.createdAt.toISOString() })) });
  });
}
