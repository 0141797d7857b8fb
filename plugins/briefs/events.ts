// The events this plugin emits for subscribers outside it (outgoing webhooks, chat posts).

/** A kickoff brief's author closed comments and wrote the synthesis. */
export interface BriefSynthesizedEvent {
  briefId: string;
  teamId: string;
  authorId: string;
  title: string;
  link: string;
}

/** An entry in the decisions log (from a brief or a hiring debrief); `title` is null for hiring decisions. */
export interface DecisionRecordedEvent {
  decisionId: string;
  kind: string;
  teamId: string;
  title: string | null;
  decidedOn: string;
  recordedById: string;
  link: string;
}

declare module "../../server/plugin-api.ts" {
  interface EventMap {
    "brief.synthesized": BriefSynthesizedEvent;
    "decision.recorded": DecisionRecordedEvent;
  }
}
