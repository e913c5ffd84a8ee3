/**
 * A team push's audit row: one row for the push, listing each entry as it
 * was sent (its id, call and input, the time the member stamped included,
 * and whether it waited offline) with what the host answered it — accepted,
 * duplicate, or rejected and why. The entries write no rows of their own
 * (Services.inPush), so the log grows with the calls made, not the events
 * recorded: an outbox of 500 entries is one row, with one hash, where it was
 * 501 rows and hashes, most of a push's pages and a quarter of its time.
 */
type Input = Record<string, unknown>;

interface Answer {
  status?: unknown;
  reason?: unknown;
}

const isObject = (v: unknown): v is Input => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The push's audit arguments: before it ran (a refused push), its size; after, each entry with its answer. */
export function pushAudit(input: Input, output?: unknown): Input {
  const entries = Array.isArray(input.entries) ? (input.entries as unknown[]) : [];
  const results = isObject(output) && Array.isArray(output.results) ? (output.results as Answer[]) : null;
  if (results === null) return { entries: entries.length };
  return {
    entries: entries.map((e, k) => {
      const entry = isObject(e) ? e : {};
      const answer = results[k] ?? {};
      return {
        id: entry.id,
        call: entry.call,
        input: entry.input,
        ...(entry.offline === true ? { offline: true } : {}),
        status: answer.status,
        ...(answer.reason !== undefined ? { reason: answer.reason } : {}),
      };
    }),
  };
}

/** A push's row in one line, for people (`team audit`): how many entries and what became of them; `--json` lists them. */
export function describePushAudit(args: unknown): string | null {
  if (!isObject(args) || !Array.isArray(args.entries)) return null;
  const counts = new Map<string, number>();
  for (const e of args.entries as unknown[]) {
    const status = isObject(e) && typeof e.status === 'string' ? e.status : 'unanswered';
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }
  const n = args.entries.length;
  return `${n} ${n === 1 ? 'entry' : 'entries'} (${[...counts].map(([s, k]) => `${k} ${s}`).join(', ')})`;
}
