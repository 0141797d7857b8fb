import {
  Field,
  type FieldErrors,
  FormErrors,
  PageHeader,
  type RequestServices,
  type SafeHtml,
  Select,
} from "../../server/plugin-api.ts";
import type { BriefsSettings } from "./settings.ts";
import { activePeopleOptions, BriefsNav, type Option, PeoplePicker, teamOptions } from "./views.tsx";

type S = RequestServices<BriefsSettings>;

function InterviewForm(props: {
  teams: Option[];
  people: Option[];
  values: Record<string, string>;
  interviewerIds: string[];
  hiringManagerIds: string[];
  errors: FieldErrors;
}): SafeHtml {
  const e = props.errors;
  return (
    <form method="post" action="/briefs/interviews" class="stack" novalidate>
      <FormErrors errors={e} />
      <Field
        label="Candidate"
        name="candidateName"
        value={props.values.candidateName}
        error={e.candidateName}
        required
      />
      <Field
        label="Candidate contact (optional)"
        name="candidateContact"
        value={props.values.candidateContact}
        error={e.candidateContact}
      />
      <Field label="Role" name="role" value={props.values.role} error={e.role} required />
      <Select
        label="Hiring team"
        name="teamId"
        value={props.values.teamId ?? ""}
        options={[{ value: "", label: "Choose a team…" }, ...props.teams.map((t) => ({ value: t.id, label: t.name }))]}
        error={e.teamId}
      />
      <div class="row">
        <Field
          label="Starts (your time)"
          name="startsAt"
          type="datetime-local"
          value={props.values.startsAt}
          error={e.startsAt}
          required
        />
        <Field
          label="Ends (your time)"
          name="endsAt"
          type="datetime-local"
          value={props.values.endsAt}
          error={e.endsAt}
          required
        />
      </div>
      <PeoplePicker
        label="Interviewers"
        name="interviewerIds"
        options={props.people}
        selected={props.interviewerIds}
        error={e.interviewerIds}
        hint="Each writes a blind note, due within hours of the interview's end."
      />
      <PeoplePicker
        label="Hiring managers"
        name="hiringManagerIds"
        options={props.people}
        selected={props.hiringManagerIds}
        error={e.hiringManagerIds}
        hint="They see every note, write the synthesis and decide. You are one if you choose nobody."
      />
      <div>
        <button type="submit">Create interview</button>
      </div>
    </form>
  );
}

export async function newInterviewPage(
  s: S,
  form: { values: Record<string, string>; interviewerIds: string[]; hiringManagerIds: string[]; errors: FieldErrors },
): Promise<Response> {
  return s.page(
    <>
      <BriefsNav current="interviews" />
      <PageHeader title="New interview" />
      <InterviewForm teams={await teamOptions(s.db)} people={await activePeopleOptions(s.db)} {...form} />
    </>,
    { title: "New interview", status: Object.keys(form.errors).length ? 422 : 200 },
  );
}
