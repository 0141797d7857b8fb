import type RetextEnglish from "retext-english";
import type RetextPassive from "retext-passive";
import type RetextReadability from "retext-readability";
import type { unified as Unified } from "unified";
import { VFile } from "vfile";
import { onFirstUse } from "../lazy.ts";
import type { WritingHint } from "../plugins/hooks.ts";

export type { WritingHint } from "../plugins/hooks.ts";

/**
 * What the text is, which decides the rules that apply:
 * - `"status"`: a whole written update; its first paragraph must carry the bottom line, and any
 *   ask in it must be addressed and dated.
 * - `"bottom-line"`: the bottom line alone (short, states a conclusion).
 * - `"ask"`: an ask alone (names someone with @handle, says by when).
 * - anything else (or nothing): prose rules only (sentence length, passive voice, readability).
 */
export interface LintOptions {
  kind?: string;
}

/** Sentences longer than this many words are flagged. */
export const MAX_SENTENCE_WORDS = 25;
/** The bottom line must be stated within this many words. */
export const BLUF_WORDS = 60;

// Built once per process, soon after start rather than in the first lint: loading the retext
// plugins and their word lists is the slow part, and a start does not need it.
const prose = onFirstUse(
  () => {
    const { unified } = require("unified") as { unified: typeof Unified };
    return (
      unified()
        .use((require("retext-english") as { default: typeof RetextEnglish }).default)
        .use((require("retext-passive") as { default: typeof RetextPassive }).default)
        // age 16 ≈ US grade 10: sentences most of 7 formulas rate harder than that are flagged.
        .use((require("retext-readability") as { default: typeof RetextReadability }).default, {
          age: 16,
          minWords: 6,
          threshold: 4 / 7,
        })
        .freeze()
    );
  },
  {
    warm: true,
    dependenciesFirst: [
      () => require("unified"),
      () => require("retext-english"),
      () => require("retext-passive"),
      () => require("retext-readability"),
    ],
  },
);

// Words that state a conclusion or a status: a bottom line usually has one.
const conclusion =
  /\b(on track|off track|at risk|done|shipped|launched|released|finished|complete[ds]?|blocked|late|delayed|slipp(ed|ing)|behind|ahead|ready|decided|recommend|propose|need|needs|will|won't|can't|cannot|approved?|merged|moved|cut|dropped|paused|stopped|started|hired|fixed|resolved|on schedule|green|amber|yellow|red|tl;?dr|bottom line|bluf)\b/i;
// Openings that put background before the point.
const backgroundOpener =
  /^\s*(hi|hello|hey|dear|so,|just wanted|as you (all )?know|as (some of )?you may know|background|context|some context|first,? some|a bit of|to give (you )?some|last week|this week (i|we) (started|continued|worked|spent|looked)|over the (past|last))/i;
const mention = /(^|[^\w@.])@([a-z0-9][a-z0-9._-]*[a-z0-9]|[a-z0-9])/gi;
const byWhen =
  /\b(by|before|until|no later than|due|deadline|asap|today|tonight|tomorrow|eod|eow|end of (the )?(day|week|month|sprint|quarter)|this (week|afternoon|morning)|next (week|monday|tuesday|wednesday|thursday|friday))\b/i;
const askSentence =
  /\b(could you|can you|would you|please|i need|we need|need (your|a|an|someone)|asking|ask:|requesting|help (me|us) (with|to)|looking for (someone|help)|who can)\b/i;

const regularPassive = /\b(am|is|are|was|were|be|been|being)\s+(\w+ly\s+)?([a-z]{3,}ed)\b/gi;

interface Span {
  text: string;
  start: number;
  end: number;
}

/** Splits text into sentences with their offsets (a full stop, ! or ? and a space, or a line break). */
function sentencesOf(text: string): Span[] {
  const spans: Span[] = [];
  const re = /[^\n]+?(?:[.!?]+(?=\s|$)|(?=\n)|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++;
      continue;
    }
    const lead = m[0].length - m[0].trimStart().length;
    const body = m[0].trim();
    if (body) spans.push({ text: body, start: m.index + lead, end: m.index + lead + body.length });
  }
  return spans;
}

function wordCount(text: string): number {
  return (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? []).length;
}

/** The first paragraph (up to a blank line), skipping a leading Markdown heading line. */
function firstParagraph(text: string): Span | null {
  const re = /\S[\s\S]*?(?=\n\s*\n|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[0].replace(/^#{1,6}\s+[^\n]*\n?/, "");
    if (!body.trim()) continue;
    const start = m.index + (m[0].length - body.length);
    return { text: body, start, end: m.index + m[0].length };
  }
  return null;
}

/** The first `n` words of a text, with the offset where they end. */
function firstWords(text: string, n: number): string {
  const re = /[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu;
  let end = 0;
  let seen = 0;
  for (let m = re.exec(text); m && seen < n; m = re.exec(text)) {
    seen++;
    end = m.index + m[0].length;
  }
  return text.slice(0, end);
}

function blufHints(text: string, standalone: boolean): WritingHint[] {
  const first = firstParagraph(text);
  if (!first) return [];
  const hints: WritingHint[] = [];
  const opening = firstWords(first.text, BLUF_WORDS);
  const words = wordCount(first.text);
  if (backgroundOpener.test(first.text)) {
    hints.push({
      rule: "bluf",
      message: "Lead with the bottom line, not background: start with the conclusion or the decision.",
      severity: "warning",
      start: first.start,
      end: first.end,
    });
  } else if (!conclusion.test(opening)) {
    hints.push({
      rule: "bluf",
      message: `No bottom line in the first ${standalone ? "sentence" : "paragraph"}: say where things stand (on track, blocked, shipped, decided …) in the first ${BLUF_WORDS} words.`,
      severity: "warning",
      start: first.start,
      end: first.end,
    });
  }
  if (words > BLUF_WORDS) {
    hints.push({
      rule: "bluf-length",
      message: `The ${standalone ? "bottom line" : "first paragraph"} is ${words} words; keep it under ${BLUF_WORDS} so readers get the point at a glance.`,
      severity: "info",
      start: first.start,
      end: first.end,
    });
  }
  return hints;
}

function askHints(ask: Span): WritingHint[] {
  const hints: WritingHint[] = [];
  if (!ask.text.match(mention)) {
    hints.push({
      rule: "ask-addressee",
      message:
        "Name who you are asking with @name (their email name), so they know it is theirs and it gets a response time.",
      severity: "warning",
      start: ask.start,
      end: ask.end,
    });
  }
  if (!byWhen.test(ask.text)) {
    hints.push({
      rule: "ask-deadline",
      message: 'Say by when you need it ("by Thursday", "before the release").',
      severity: "warning",
      start: ask.start,
      end: ask.end,
    });
  }
  return hints;
}

/** Asks inside a longer text: an "Ask:" line, or sentences that request something. */
function asksIn(text: string): Span[] {
  const labelled = [...text.matchAll(/^[ \t]*(?:[-*]\s*)?\**ask\**\s*[:—-]\s*(.+)$/gim)].map((m) => {
    const start = (m.index ?? 0) + m[0].indexOf(m[1] as string);
    return { text: m[1] as string, start, end: start + (m[1] as string).length };
  });
  if (labelled.length) return labelled;
  return sentencesOf(text).filter((s) => askSentence.test(s.text));
}

function proseHints(text: string): WritingHint[] {
  const hints: WritingHint[] = [];
  const sentences = sentencesOf(text);
  for (const s of sentences) {
    const words = wordCount(s.text);
    if (words > MAX_SENTENCE_WORDS) {
      hints.push({
        rule: "long-sentence",
        message: `This sentence has ${words} words; split it (aim for under ${MAX_SENTENCE_WORDS}).`,
        severity: "info",
        start: s.start,
        end: s.end,
      });
    }
  }
  const file = new VFile(text);
  const pipeline = prose();
  pipeline.runSync(pipeline.parse(file), file);
  // retext-passive knows irregular participles ("written"); regular ones ("was deployed") are
  // matched here: a form of "to be", an optional adverb, and an -ed word.
  const passive: { actual: string; start: number; end: number }[] = file.messages
    .filter((m) => m.source === "retext-passive")
    .map((m) => ({ actual: m.actual ?? String(m.ruleId), ...offsets(m.place) }))
    .filter((m): m is { actual: string; start: number; end: number } => m.start !== undefined && m.end !== undefined);
  for (const m of text.matchAll(regularPassive)) {
    const verb = m[3] as string;
    const start = (m.index ?? 0) + m[0].length - verb.length;
    if (!passive.some((p) => p.start === start)) passive.push({ actual: verb, start, end: start + verb.length });
  }
  // One passive verb is fine; flag when it becomes a habit (two or more, or a quarter of sentences).
  if (passive.length >= 2 || (passive.length === 1 && sentences.length <= 2 && sentences.length > 0)) {
    for (const m of passive) {
      hints.push({
        rule: "passive",
        message: `Passive voice ("${m.actual}"): say who did it.`,
        severity: "info",
        start: m.start,
        end: m.end,
      });
    }
  }
  for (const m of file.messages.filter((m) => m.source === "retext-readability")) {
    hints.push({
      rule: "readability",
      message: "Hard to read (above about grade 10): use shorter words and sentences.",
      severity: "info",
      ...offsets(m.place),
    });
  }
  return hints;
}

function offsets(place: unknown): { start?: number; end?: number } {
  const p = place as { start?: { offset?: number }; end?: { offset?: number } } | undefined;
  const out: { start?: number; end?: number } = {};
  if (typeof p?.start?.offset === "number") out.start = p.start.offset;
  if (typeof p?.end?.offset === "number") out.end = p.end.offset;
  return out;
}

/**
 * Lints prose and returns hints — never errors: people may ignore every one of them.
 * Checks BLUF (the bottom line in the first paragraph / first 60 words), asks (addressed with
 * @name and with a "by when"), sentences over 25 words, heavy passive voice (retext-passive)
 * and hard-to-read sentences (retext-readability, above about grade 10). Synchronous and fast
 * enough to run as people type.
 *
 * @example
 * lintWriting("Ask: can someone review the API change?", { kind: "ask" });
 * // → [{ rule: "ask-addressee", … }, { rule: "ask-deadline", … }]
 */
export function lintWriting(text: string, options: LintOptions = {}): WritingHint[] {
  if (!text.trim()) return [];
  const kind = options.kind ?? "prose";
  const hints: WritingHint[] = [];
  if (kind === "status") {
    hints.push(...blufHints(text, false));
    for (const ask of asksIn(text)) hints.push(...askHints(ask));
  } else if (kind === "bottom-line") {
    hints.push(...blufHints(text, true));
  } else if (kind === "ask") {
    hints.push(...askHints({ text, start: 0, end: text.length }));
  }
  hints.push(...proseHints(text));
  return hints.sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
}

/** The @handles in a text, lower-cased, without the @ (`"@ana.lee"` → `"ana.lee"`). */
export function mentionedHandles(text: string): string[] {
  return [...new Set([...text.matchAll(mention)].map((m) => (m[2] as string).toLowerCase()))];
}

/** A person's @handle: the local part of their email, lower-cased (`Ana.Lee@acme.example` → `ana.lee`). */
export function handleOf(email: string): string {
  return (email.split("@")[0] ?? "").toLowerCase();
}
