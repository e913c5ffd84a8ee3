/** The sentence a difference is shown in, the same in the CLI and the dashboard. */
import type { Comparison } from './readings.js';

const n = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 3 });

/** A pool's label inside a sentence: "Compression credits" → "compression credits", "AI credits" stays. */
export function inSentence(label: string): string {
  return /^[A-Z][a-z]/.test(label) ? label[0]!.toLowerCase() + label.slice(1) : label;
}

/** "Fluximage says 812 AI credits used, the ledger 806: 6 unrecorded". */
export function driftText(c: Comparison, label: string): string {
  const says = `${c.vendor} says ${n(c.vendorUsed)} ${inSentence(label)} used, the ledger ${n(c.ledgerUsed)}`;
  if (c.unrecorded === 0) return `${says}: they agree`;
  return c.unrecorded > 0 ? `${says}: ${n(c.unrecorded)} unrecorded` : `${says}: the ledger has ${n(-c.unrecorded)} more than ${c.vendor} counts`;
}
