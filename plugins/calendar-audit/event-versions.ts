import type ICAL from "ical.js";
import { firstValue, type JcalProperty, jcalProperty, sequenceOf } from "./event-reader.ts";

/**
 * Masters and overrides by UID; between two versions of the same event (or of the same
 * instance), the higher SEQUENCE wins (RFC 5545 §3.8.7.4), the earlier in the file on a tie.
 * An event without a UID gets one made from its start, rule and title, so re-imports match.
 */
export function versionsByUid(
  vevents: ICAL.Component[],
  problems: string[],
): { masters: Map<string, ICAL.Component>; overrides: Map<string, Map<number, ICAL.Component>> } {
  const masters = new Map<string, ICAL.Component>();
  const overrides = new Map<string, Map<number, ICAL.Component>>();
  let madeUp = 0;
  for (const ve of vevents) {
    // Detach from the VCALENDAR: ical.js otherwise scans every sibling for a VTIMEZONE on each
    // TZID it reads (quadratic in the file size); zones are resolved by ZoneResolver instead.
    (ve as unknown as { parent: ICAL.Component | null }).parent = null;
    let uid = String(firstValue(ve, "uid") ?? "").trim();
    if (!uid) {
      uid = madeUpUid(ve);
      madeUp++;
    }
    if (ve.hasProperty("recurrence-id")) {
      const byRid = overrides.get(uid) ?? new Map<number, ICAL.Component>();
      overrides.set(uid, byRid);
      const key = ridKey(ve);
      const other = byRid.get(key);
      if (!other || sequenceOf(ve) > sequenceOf(other)) byRid.set(key, ve);
      continue;
    }
    const other = masters.get(uid);
    if (!other) masters.set(uid, ve);
    else if (uid.startsWith("no-uid-")) masters.set(`${uid}-${masters.size}`, ve);
    else {
      const newer = sequenceOf(ve) > sequenceOf(other);
      if (newer) masters.set(uid, ve);
      problems.push(
        `Event ${uid} appears twice; the copy with ${newer || sequenceOf(ve) < sequenceOf(other) ? "the higher SEQUENCE" : "the same SEQUENCE that comes first"} was kept.`,
      );
    }
  }
  if (madeUp) {
    problems.push(
      `${madeUp} event${madeUp === 1 ? " has" : "s have"} no UID; each was given one made from its start, rule and title.`,
    );
  }
  return { masters, overrides };
}

/** The raw RECURRENCE-ID text with its TZID: enough to tell two versions of one instance apart. */
function ridKey(ve: ICAL.Component): number {
  const p = jcalProperty(ve, "recurrence-id") as JcalProperty;
  return hash(`${p[1].tzid ?? ""}|${JSON.stringify(p.slice(3))}`);
}

function madeUpUid(ve: ICAL.Component): string {
  const parts = ["dtstart", "rrule", "summary"].map((name) => {
    const p = ve.getFirstProperty(name);
    return p ? JSON.stringify(p.toJSON()) : "";
  });
  return `no-uid-${hash(parts.join("|")).toString(36)}`;
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
