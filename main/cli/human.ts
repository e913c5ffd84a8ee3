/**
 * Words and numbers for people in the CLI's text output: instants without
 * ISO's T and milliseconds, counts with their unit in the right number,
 * estimates rounded to what is worth reading. `--json` keeps the raw values.
 */
import { formatMc } from '../core/util/credits.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Nov 30 00:00 UTC"; with the year when it is not `now`'s ("Jan 1 2027 00:00 UTC"). */
export function at(isoText: string, now: number): string {
  const d = new Date(isoText);
  const year = d.getUTCFullYear() === new Date(now).getUTCFullYear() ? '' : ` ${d.getUTCFullYear()}`;
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}${year} ${hh}:${mm} UTC`;
}

/** "1 video", "1,500 tokens", "0.5 videos": exact amounts with their unit. */
export function units(x: number, unit: string): string {
  return `${formatMc(Math.round(x * 1000), { group: true })} ${unit}${x === 1 ? '' : 's'}`;
}

/** An estimate: whole from 10 up, one decimal below ("2.8 videos a day", "23 videos"). */
export function about(x: number, unit: string): string {
  const a = Math.abs(x);
  const mc = a >= 10 ? Math.round(x) * 1000 : Math.round(x * 10) * 100;
  return `${formatMc(mc, { group: true })} ${unit}${mc === 1000 ? '' : 's'}`;
}
