import type ICALType from "ical.js";
import { onFirstUse } from "../../server/plugin-api.ts";

// Loaded with the first invitation, not at start.
const ical = onFirstUse(() => {
  // `require` gets ical.js's CommonJS build, whose exports are the namespace itself.
  const loaded = require("ical.js") as typeof ICALType & { default?: typeof ICALType };
  return loaded.default ?? loaded;
});

export interface WorkshopEvent {
  uid: string;
  title: string;
  description: string;
  location: string;
  startsAt: Date;
  minutes: number;
  organizerEmail: string;
  attendeeEmail: string;
  stamp: Date;
}

/** An iCalendar invitation (RFC 5545, METHOD:REQUEST) for one attendee, built with ical.js. */
export function workshopInvitation(e: WorkshopEvent): string {
  const ICAL = ical();
  const cal = new ICAL.Component(["vcalendar", [], []]);
  cal.addPropertyWithValue("prodid", "-//DeskTrust//Writing workshop//EN");
  cal.addPropertyWithValue("version", "2.0");
  cal.addPropertyWithValue("method", "REQUEST");
  const event = new ICAL.Component("vevent");
  const utc = (d: Date): ICALType.Time => ICAL.Time.fromJSDate(d, true);
  event.addPropertyWithValue("uid", e.uid);
  event.addPropertyWithValue("dtstamp", utc(e.stamp));
  event.addPropertyWithValue("dtstart", utc(e.startsAt));
  event.addPropertyWithValue("dtend", utc(new Date(e.startsAt.getTime() + e.minutes * 60_000)));
  event.addPropertyWithValue("summary", e.title);
  event.addPropertyWithValue("description", e.description);
  event.addPropertyWithValue("location", e.location);
  event.addPropertyWithValue("organizer", `mailto:${e.organizerEmail}`);
  const attendee = event.addPropertyWithValue("attendee", `mailto:${e.attendeeEmail}`);
  attendee.setParameter("rsvp", "TRUE");
  attendee.setParameter("partstat", "NEEDS-ACTION");
  cal.addSubcomponent(event);
  return cal.toString();
}
