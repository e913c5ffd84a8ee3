/**
 * `POST /api/batch`: several calls in one request, for a page that asks for
 * its figures all at once (the renderer's query cache sends the reads one
 * commit wants together). A browser holds at most six connections to a host,
 * so a page making eight calls waited on a free connection; one request is
 * one round trip and one answer to draw.
 *
 *   {"calls": [{"name": "balance.get", "input": {...}}, ...]}
 *   → 200 {"ok": true, "result": [envelope, ...]}, one envelope per call, in order
 *
 * Each call is decided and answered exactly as if it had come alone — the
 * allow-list, the access table, the quotas — by the `run` the host passes;
 * they run one after the other, in order. A malformed batch is one 400.
 */
import * as z from 'zod';
import { invalid, type Envelope } from './dispatch.js';

/** Calls in one batch at most: a page's reads, with room to spare. */
export const MAX_BATCH_CALLS = 32;

/** The name under /api/ that takes a batch (no handler may be called that). */
export const BATCH_PATH = 'batch';

const Batch = z.strictObject({
  calls: z
    .array(z.strictObject({ name: z.string().min(1).max(100), input: z.unknown().optional() }))
    .min(1)
    .max(MAX_BATCH_CALLS),
});

export type BatchItem = { name: string; input: unknown };

/** The calls of a batch body, or the one answer that says what is wrong with it. */
export function parseBatch(body: unknown): { calls: BatchItem[] } | { error: Envelope } {
  const got = Batch.safeParse(body);
  if (!got.success) {
    const issue = got.error.issues[0]!;
    const where = issue.path.join('.');
    if (issue.code === 'too_big' && issue.path.length === 1) return { error: invalid(`a batch holds at most ${MAX_BATCH_CALLS} calls`, 'calls') };
    return { error: invalid(`a batch is {"calls": [{"name", "input"}, …]}: ${where ? `${where}: ` : ''}${issue.message}`, where || 'calls') };
  }
  const nested = got.data.calls.findIndex((c) => c.name === BATCH_PATH);
  if (nested >= 0) return { error: invalid('a batch cannot hold another batch', `calls.${nested}.name`) };
  return { calls: got.data.calls.map((c) => ({ name: c.name, input: c.input ?? {} })) };
}

/** Run the calls one after the other, each as if alone: one envelope per call. */
export async function runBatch(calls: BatchItem[], run: (name: string, input: unknown) => Promise<Envelope>): Promise<Envelope<Envelope[]>> {
  const out: Envelope[] = [];
  for (const c of calls) out.push(await run(c.name, c.input));
  return { ok: true, result: out };
}
