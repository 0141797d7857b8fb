import { createHash } from "node:crypto";
import type { BriefState } from "./schema.ts";

/** The one-page template: bottom line first, then the background a reviewer needs. */
export const briefTemplate = `**Bottom line:** what we propose and what we need from you, in two sentences.

## Problem

What is wrong today, for whom, and how we know.

## Proposal

What we will do, roughly how, and by when.

## Decisions needed

- The decisions reviewers should weigh in on.

## Risks

- What could go wrong, and what we will do about it.

## Out of scope

- What this brief deliberately does not cover.
`;

/** The moves a brief can make, and who makes them: only its author. */
const transitions: Record<BriefState, readonly BriefState[]> = {
  draft: ["review", "abandoned"],
  review: ["synthesis", "abandoned"],
  synthesis: ["decided", "abandoned"],
  decided: [],
  abandoned: [],
};

export function canMove(from: BriefState, to: BriefState): boolean {
  return transitions[from].includes(to);
}

export const stateLabels: Record<BriefState, string> = {
  draft: "Draft",
  review: "In review",
  synthesis: "Synthesis",
  decided: "Decided",
  abandoned: "Abandoned",
};

export interface Paragraph {
  index: number;
  text: string;
  hash: string;
}

/** A brief's paragraphs (Markdown blocks separated by blank lines), the anchors for comments. */
export function paragraphsOf(body: string): Paragraph[] {
  return body
    .replace(/\r\n?/g, "\n")
    .split(/\n[ \t]*\n/)
    .map((block) => block.trim())
    .filter(Boolean)
    .map((text, index) => ({ index, text, hash: paragraphHash(text) }));
}

export function paragraphHash(text: string): string {
  return createHash("sha256").update(text.trim()).digest("hex").slice(0, 16);
}

/**
 * A stable UUID for an ask this plugin opens (one per reviewer of a brief, one per
 * interviewer of an interview), so `ask.answered` can name the ask it answers.
 */
export function askIdFor(kind: "brief-review" | "debrief-note", subjectId: string, personId: string): string {
  const hex = createHash("sha256").update(`briefs:${kind}:${subjectId}:${personId}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((Number.parseInt(hex.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${hex.slice(18, 20)}-${hex.slice(20, 32)}`;
}
