/**
 * iCalendar (RFC 5545) text: CRLF lines folded at 75 octets (never inside a
 * UTF-8 character), TEXT values escaped, instants in UTC. Only what the
 * resets calendar needs: events with an optional display alarm.
 */

export interface IcsAlarm {
  /** How long before the event, as an ISO 8601 duration: P2D, PT12H. */
  before: string;
  description: string;
}

export interface IcsEvent {
  uid: string;
  start: number;
  end: number;
  summary: string;
  description: string;
  alarm?: IcsAlarm;
}

/** 20261204T180000Z */
export function icsInstant(t: number): string {
  return new Date(t).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** A TEXT value: backslash, semicolon, comma and newlines escaped. */
export function icsText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** One content line, folded: at most 75 octets a line, continuation lines start with a space. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let cur = '';
  let bytes = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    // The first line holds 75 octets; each continuation line 74 after its leading space.
    if (bytes + n > (out.length === 0 ? 75 : 74)) {
      out.push(cur);
      cur = '';
      bytes = 0;
    }
    cur += ch;
    bytes += n;
  }
  out.push(cur);
  return out.join('\r\n ');
}

export function icsCalendar(name: string, events: readonly IcsEvent[], stamp: number): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Creditdeck//Credit resets//EN', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH', `X-WR-CALNAME:${icsText(name)}`];
  for (const e of events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, `DTSTAMP:${icsInstant(stamp)}`, `DTSTART:${icsInstant(e.start)}`, `DTEND:${icsInstant(e.end)}`, `SUMMARY:${icsText(e.summary)}`, `DESCRIPTION:${icsText(e.description)}`, 'TRANSP:TRANSPARENT');
    if (e.alarm) lines.push('BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${icsText(e.alarm.description)}`, `TRIGGER:-${e.alarm.before}`, 'END:VALARM');
    lines.push('END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
