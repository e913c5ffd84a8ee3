/**
 * "2 rejected, 1 of them may have been recorded": an entry refused unjudged
 * after a send that got no answer may be on the host all the same (docs/team.md,
 * "In doubt"), so the count never says plainly "rejected" for it.
 */
export function rejectedWords(rejected: readonly { inDoubt: boolean }[]): string {
  const n = rejected.length;
  const doubt = rejected.filter((r) => r.inDoubt).length;
  if (doubt === 0) return `${n} rejected`;
  return `${n} rejected, ${n === 1 ? 'it' : doubt === n ? `all ${n}` : `${doubt} of them`} may have been recorded`;
}
