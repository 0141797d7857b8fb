import { Field, FormErrors } from "../../../views/components.tsx";
import type { SafeHtml } from "../../../views/html/escape.ts";

/** The one field every two-factor form has. */
export function CodeField(props: { error?: string | undefined; hint?: string }): SafeHtml {
  return (
    <Field
      label="Authentication code"
      name="code"
      autocomplete="one-time-code"
      error={props.error}
      hint={props.hint ?? "The 6-digit code from your authenticator app, or one of your recovery codes."}
      required
    />
  );
}

/** How to add DeskTrust to an authenticator app, and the form that proves it worked. */
export function SetUpAuthenticator(props: {
  secret: string;
  uri: string;
  action: string;
  error?: string | undefined;
}): SafeHtml {
  return (
    <section class="card" aria-labelledby="setup-title">
      <h2 id="setup-title">Set up your authenticator app</h2>
      <ol class="stack">
        <li>
          Open an authenticator app (such as Aegis, FreeOTP, Google Authenticator, Microsoft Authenticator or
          1Password).
        </li>
        <li>
          Add an account with this setup key (time-based, 6 digits):
          <label for="totp-secret" class="visually-hidden">
            Setup key
          </label>
          <input id="totp-secret" type="text" readonly value={props.secret} />
          On this device you can also <a href={props.uri}>open it in your authenticator app</a>.
        </li>
        <li>Type the code the app shows.</li>
      </ol>
      <FormErrors message={props.error} />
      <form method="post" action={props.action} class="stack" novalidate>
        <CodeField error={props.error} hint="The 6-digit code your app shows now." />
        <div>
          <button type="submit">Turn on two-factor</button>
        </div>
      </form>
    </section>
  );
}

/** Recovery codes, shown once right after they are made. */
export function RecoveryCodes(props: { codes: string[]; continueTo: string }): SafeHtml {
  return (
    <section class="card" aria-labelledby="recovery-title">
      <h1 id="recovery-title">Save your recovery codes</h1>
      <p>
        Each code signs you in once if you lose your phone. Keep them somewhere safe, such as a password manager. They
        are shown only now.
      </p>
      <ul class="recovery-codes" aria-label="Recovery codes">
        {props.codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a class="button" href={props.continueTo}>
          I have saved them
        </a>
      </p>
    </section>
  );
}
