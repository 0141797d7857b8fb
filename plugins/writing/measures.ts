import type { syllable as Syllable } from "syllable";
import { markdownToText, onFirstUse, type WritingLinter } from "../../server/plugin-api.ts";

// Its word lists load on the first update measured, not at start.
const syllable = onFirstUse(() => (require("syllable") as { syllable: typeof Syllable }).syllable, { warm: true });

/** The writing measures of one posted update. */
export interface UpdateMeasures {
  /** The linter found the bottom line in the first paragraph. */
  blufFirst: boolean;
  hasAsk: boolean;
  /** The ask names someone (@name) and says by when. */
  askAddressedDated: boolean;
  sentences: number;
  words: number;
  /** Flesch–Kincaid grade level. */
  grade: number;
}

const wordPattern = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;

/** Plain-text sentences: a run ending in . ! or ? followed by a space or the end, or a line. */
export function sentencesOf(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((line) => line.split(/(?<=[.!?])\s+/))
    .map((s) => s.trim())
    .filter((s) => (s.match(wordPattern) ?? []).length > 0);
}

/** The words of a text (letters and digits, with inner apostrophes and hyphens). */
export function wordsOf(text: string): string[] {
  return text.match(wordPattern) ?? [];
}

/**
 * Flesch–Kincaid grade: 0.39 × words per sentence + 11.8 × syllables per word − 15.59
 * (syllables counted by the `syllable` package). Rounded to one decimal; 0 for empty text.
 */
export function fleschKincaidGrade(sentences: number, words: number, syllables: number): number {
  if (!sentences || !words) return 0;
  return Math.round((0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59) * 10) / 10;
}

/**
 * Measures an update as posted. BLUF and the ask are judged by the portal's writing linter (the
 * same hints the author saw), so the trend and the composer never disagree; the rest is counted
 * on the plain text of the Markdown, headings left out.
 */
export function measureUpdate(linter: WritingLinter, body: string, ask: string): UpdateMeasures {
  const prose = markdownToText(body.replace(/^#{1,6}\s+.*$/gm, ""));
  const sentences = sentencesOf(prose);
  const words = wordsOf(prose);
  const count = syllable();
  const syllables = words.reduce((n, w) => n + count(w), 0);
  const hasAsk = ask.trim() !== "";
  const askHints = hasAsk ? linter.lint(ask, { kind: "ask" }) : [];
  return {
    blufFirst: !linter.lint(body, { kind: "status" }).some((h) => h.rule === "bluf"),
    hasAsk,
    askAddressedDated: hasAsk && !askHints.some((h) => h.rule === "ask-addressee" || h.rule === "ask-deadline"),
    sentences: sentences.length,
    words: words.length,
    grade: fleschKincaidGrade(sentences.length, words.length, syllables),
  };
}

/** Whether a comment asks for clarification: a question from someone other than the author. */
export function asksForClarification(commentBody: string): boolean {
  return /\?(\s|$)/.test(markdownToText(commentBody));
}
