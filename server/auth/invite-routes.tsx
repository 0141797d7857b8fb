import type { Context } from "hono";
import { z } from "zod";
import { ActionButton, EmptyState, Field, FormErrors, PageHeader, Select } from "../../views/components.tsx";
import { formatInstant } from "../../views/format.ts";
import type { SafeHtml } from "../../views/html/escape.ts";
import type { Routes } from "../http/access.ts";
import type { AppEnv } from "../http/env.ts";
import { type FieldErrors, HttpError } from "../http/errors.ts";
import { setFlash } from "../http/flash.ts";
import { email, type FormValues, readForm, text } from "../http/forms.ts";
import { page, redirect } from "../http/render.tsx";
import { getOrganization } from "../org/org.ts";
import { isUuid } from "../people/people.ts";
import {
  acceptInvite,
  createInvite,
  type Invite,
  type InviteLookup,
  invitableRoles,
  lookupInvite,
  type PendingInvite,
  pendingInvites,
  revokeInvite,
  teamChoices,
} from "./invites.ts";
import { signIn } from "./middleware.ts";
import { passwordField } from "./password.ts";

const inviteForm = z.object({
  email: email(),
  name: z.string().trim().max(120, "Name must be at most 120 characters.").default(""),
  role: z.enum(invitableRoles, { error: "Choose member, manager or admin." }),
  teamId: z
    .string()
    .trim()
    .default("")
    .refine((id) => id === "" || isUuid(id), "Choose a team from the list."),
});

const acceptForm = z
  .object({
    name: text("Your name", 120),
    password: passwordField,
    confirm: z.string().default(""),
  })
  .refine((f) => f.confirm === "" || f.confirm === f.password, {
    path: ["confirm"],
    message: "The two passwords differ.",
  });

const roleLabels: Record<(typeof invitableRoles)[number], string> = {
  member: "Member",
  manager: "Manager",
  admin: "Admin",
};

interface InvitesPageProps {
  invites: PendingInvite[];
  teams: { id: string; name: string }[];
  values: FormValues;
  errors: FieldErrors;
  created: { email: string; link: string; emailDelivered: boolean } | null;
  timeZone: string;
}

function CreatedInvite(props: { email: string; link: string; emailDelivered: boolean }): SafeHtml {
  return (
    <section class="card invite-created" aria-labelledby="created-title">
      <h2 id="created-title">Invite created for {props.email}</h2>
      <label for="invite-link" class="field-label">
        Invite link
      </label>
      <input id="invite-link" type="text" readonly value={props.link} aria-describedby="invite-link-hint" />
      <p class="hint" id="invite-link-hint">
        Select the link and copy it (Ctrl+C or ⌘C) if you want to send it yourself. It is shown only this once: we keep
        just a fingerprint of it. It works once and expires in 7 days.{" "}
        {props.emailDelivered
          ? "We also emailed it to the invitee."
          : "The invite email is waiting in the Mail outbox, because no SMTP server is configured."}
      </p>
    </section>
  );
}

function InvitesPage(props: InvitesPageProps): SafeHtml {
  const v = (k: string): string => String(props.values[k] ?? "");
  return (
    <>
      <PageHeader title="Invites" />
      {props.created ? <CreatedInvite {...props.created} /> : null}
      <section class="card" aria-labelledby="invite-title">
        <h2 id="invite-title">Invite someone</h2>
        <FormErrors errors={props.errors} />
        <form method="post" action="/admin/invites" class="stack" novalidate>
          <div class="row row-top">
            <Field
              label="Email"
              name="email"
              type="email"
              value={v("email")}
              error={props.errors.email}
              required
              autocomplete="off"
            />
            <Field
              label="Name"
              name="name"
              value={v("name")}
              error={props.errors.name}
              hint="Optional; they can change it when they join."
              autocomplete="off"
            />
            <Select
              label="Role"
              name="role"
              value={v("role") || "member"}
              error={props.errors.role}
              options={invitableRoles.map((r) => ({ value: r, label: roleLabels[r] }))}
              hint="Admins manage people, teams, plugins and mail."
            />
            <Select
              label="Team"
              name="teamId"
              value={v("teamId")}
              error={props.errors.teamId}
              options={[{ value: "", label: "No team" }, ...props.teams.map((t) => ({ value: t.id, label: t.name }))]}
              hint="They join this team when they accept."
            />
          </div>
          <div>
            <button type="submit">Create invite</button>
          </div>
        </form>
      </section>
      <section aria-labelledby="pending-title">
        <h2 id="pending-title" class="section-title">
          Pending invites
        </h2>
        {props.invites.length ? (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Email</th>
                  <th scope="col">Role</th>
                  <th scope="col">Team</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Invited by</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.invites.map((i) => (
                  <tr>
                    <td>
                      {i.email}
                      {i.name ? <div class="muted small">{i.name}</div> : null}
                    </td>
                    <td>{roleLabels[i.role as keyof typeof roleLabels] ?? i.role}</td>
                    <td>{i.teamName ?? <span class="muted">—</span>}</td>
                    <td class="nowrap">{formatInstant(i.expiresAt, props.timeZone)}</td>
                    <td>{i.invitedByName ?? <span class="muted">—</span>}</td>
                    <td class="actions">
                      <ActionButton
                        action={`/admin/invites/${i.id}/revoke`}
                        label="Revoke"
                        danger
                        confirm={`Revoke the invite for ${i.email}? The link stops working.`}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <EmptyState title="No pending invites.">
            <p>Invite someone with the form. They get a link to choose a password and join.</p>
          </EmptyState>
        )}
      </section>
    </>
  );
}

async function renderInvites(
  c: Context<AppEnv>,
  options: {
    values?: FormValues;
    errors?: FieldErrors;
    created?: InvitesPageProps["created"];
    status?: 201 | 422;
  } = {},
): Promise<Response> {
  const ctx = c.get("app");
  const [invites, teams] = await Promise.all([pendingInvites(ctx.db, ctx.clock.now()), teamChoices(ctx.db)]);
  return page(
    c,
    <InvitesPage
      invites={invites}
      teams={teams}
      values={options.values ?? {}}
      errors={options.errors ?? {}}
      created={options.created ?? null}
      timeZone={c.get("viewer")?.timeZone ?? "UTC"}
    />,
    { title: "Invites", status: options.status ?? 200 },
  );
}

const unusableMessages: Record<Exclude<InviteLookup, { ok: true }>["reason"], string> = {
  unknown: "This invite link is not valid. Check that you copied the whole link, or ask an admin for a new invite.",
  expired: "This invite link has expired. Ask an admin to send you a new one.",
  accepted: "This invite link has already been used. If that was you, sign in instead.",
  revoked: "This invite link was withdrawn. Ask an admin for a new one.",
};

/** The usable invite a link points at, or a 404 page saying why not. */
async function usableInvite(c: Context<AppEnv>): Promise<Invite> {
  const token = c.req.param("token") ?? "";
  const ctx = c.get("app");
  const found: InviteLookup =
    token.length <= 100 ? await lookupInvite(ctx.db, token, ctx.clock.now()) : { ok: false, reason: "unknown" };
  if (!found.ok) throw new HttpError(404, unusableMessages[found.reason]);
  return found.invite;
}

function AcceptPage(props: {
  invite: Invite;
  orgName: string;
  token: string;
  values: FormValues;
  errors: FieldErrors;
}): SafeHtml {
  return (
    <section class="card auth-card" aria-labelledby="join-title">
      <h1 id="join-title">Join {props.orgName}</h1>
      <p class="muted">
        You are invited as <strong>{props.invite.role}</strong> with {props.invite.email}. Choose your password to
        finish.
      </p>
      <FormErrors errors={props.errors} />
      <form method="post" action={`/invite/${props.token}`} class="stack" novalidate>
        <Field
          label="Your name"
          name="name"
          value={String(props.values.name ?? props.invite.name)}
          error={props.errors.name}
          required
          autocomplete="name"
        />
        <Field
          label="Password"
          name="password"
          type="password"
          error={props.errors.password}
          hint="At least 10 characters."
          required
          autocomplete="new-password"
        />
        <Field
          label="Repeat the password"
          name="confirm"
          type="password"
          error={props.errors.confirm}
          autocomplete="new-password"
        />
        <button type="submit">Join</button>
      </form>
    </section>
  );
}

async function renderAccept(
  c: Context<AppEnv>,
  invite: Invite,
  options: { values?: FormValues; errors?: FieldErrors; status?: 422 } = {},
): Promise<Response> {
  const org = await getOrganization(c.get("app").db);
  const orgName = org?.name ?? "DeskTrust";
  return page(
    c,
    <AcceptPage
      invite={invite}
      orgName={orgName}
      token={c.req.param("token") ?? ""}
      values={options.values ?? {}}
      errors={options.errors ?? {}}
    />,
    { title: `Join ${orgName}`, status: options.status ?? 200 },
  );
}

export function inviteRoutes(r: Routes): void {
  r.get("/admin/invites", "admin", (c) => renderInvites(c));

  r.post("/admin/invites", "admin", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in to continue.");
    const form = await readForm(c, inviteForm);
    if (!form.ok) return renderInvites(c, { values: form.values, errors: form.errors, status: 422 });
    const result = await createInvite(
      ctx.db,
      {
        email: form.data.email,
        name: form.data.name,
        role: form.data.role,
        teamId: form.data.teamId || null,
        invitedBy: viewer.id,
      },
      { now: ctx.clock.now(), baseUrl: ctx.config.baseUrl },
    );
    if (!result.ok)
      return renderInvites(c, { values: form.values, errors: { [result.field]: result.message }, status: 422 });
    return renderInvites(c, {
      created: { email: result.invite.email, link: result.link, emailDelivered: ctx.mailer !== null },
      status: 201,
    });
  });

  r.post("/admin/invites/:id/revoke", "admin", async (c) => {
    const ctx = c.get("app");
    const viewer = c.get("viewer");
    if (!viewer) throw new HttpError(401, "Please sign in to continue.");
    const id = c.req.param("id") ?? "";
    if (!isUuid(id) || !(await revokeInvite(ctx.db, id, viewer.id, ctx.clock.now())))
      throw new HttpError(404, "There is no pending invite with that id; it may have been used or revoked already.");
    setFlash(c, "success", "Invite revoked. Its link no longer works.");
    return redirect(c, "/admin/invites");
  });

  r.get("/invite/:token", "public", async (c) => renderAccept(c, await usableInvite(c)));

  r.post("/invite/:token", "public", async (c) => {
    const ctx = c.get("app");
    const invite = await usableInvite(c);
    const form = await readForm(c, acceptForm);
    if (!form.ok) return renderAccept(c, invite, { values: form.values, errors: form.errors, status: 422 });
    const now = ctx.clock.now();
    const accepted = await acceptInvite(ctx.db, c.req.param("token") ?? "", form.data, now);
    if (!accepted.ok) {
      if (accepted.reason === "email-taken")
        throw new HttpError(409, "An account with this email already exists. Sign in, or reset your password.");
      // Someone else accepted it a moment ago: say what the link's state is now.
      await usableInvite(c);
      throw new HttpError(404, unusableMessages.accepted);
    }
    await signIn(c, accepted.person.id);
    const org = await getOrganization(ctx.db);
    setFlash(c, "success", `Welcome to ${org?.name ?? "DeskTrust"}, ${accepted.person.name.split(" ")[0]}!`);
    return redirect(c, "/");
  });
}
