/**
 * POST /api/batch on the local web host: each call answered as if it had
 * come alone, in order; a malformed batch runs nothing; the backup/export
 * quota counts every call in a batch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWebHost, type WebHost } from '../../main/web/server.js';
import { MAX_BATCH_CALLS } from '../../main/web/batch.js';
import { openLedger } from '../../main/core/api/open.js';
import type { Ctx } from '../../main/core/ledger/context.js';
import { ManualClock } from '../../main/core/util/clock.js';
import { seededIds } from '../../main/core/util/ids.js';
import { fixtureSite, memoryLedger, post, raw } from './helpers.js';

let ctx: Ctx;
let web: WebHost;

beforeAll(async () => {
  ctx = memoryLedger();
  web = await startWebHost({ ctx, staticDir: fixtureSite().staticDir, log: () => {} });
  expect((await post(web.url, 'accounts.add', { preset: 'fluxnote', plan: 'free' })).status).toBe(200);
  expect((await post(web.url, 'accounts.add', { preset: 'flux', plan: 'edge', anchor: '2026-11-01' })).status).toBe(200);
});
afterAll(async () => {
  await web.close();
  ctx.db.close();
});

const events = () => (ctx.db.prepare('SELECT COUNT(*) AS n FROM events').get() as { n: number }).n;

describe('web host: POST /api/batch', () => {
  it('answers each call in order, with the envelope it gets alone, whatever the outcome', async () => {
    const calls = [
      { name: 'balance.get', input: { account: 'fluxnote-free' } },
      { name: 'accounts.list', input: {} },
      { name: 'balance.get', input: { account: 'nobody' } },
      { name: 'no.such.call', input: {} },
      { name: 'import', input: { file: '/etc/passwd' } },
      { name: 'reports.usage', input: { account: 'flux-edge', by: ['day'] } },
    ];
    const r = await post(web.url, 'batch', { calls });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body.ok).toBe(true);
    const alone = await Promise.all(calls.map(async (c) => (await post(web.url, c.name, c.input)).json()));
    expect(body.result).toEqual(alone);
    expect(body.result.map((e: { ok: boolean; error?: { code: string } }) => (e.ok ? 'ok' : e.error!.code))).toEqual(['ok', 'ok', 'invalid_input', 'invalid_input', 'invalid_input', 'ok']);
    expect(body.result[3].error.message).toBe('unknown API call "no.such.call"');
    expect(body.result[4].error.message).toBe('"import" is only available from the creditdeck command line');
  });

  it('runs writes one after the other, each under the rules as if alone: the second video of a one-video plan is refused', async () => {
    const before = events();
    const video = { name: 'usage.record', input: { account: 'fluxnote-free', action: 'video' } };
    const r = await post(web.url, 'batch', { calls: [video, video, { name: 'balance.get', input: { account: 'fluxnote-free' } }] });
    expect(r.status).toBe(200);
    const [first, second, balance] = r.json().result;
    expect(first.result.status).toBe('applied');
    expect(second).toMatchObject({ ok: false, error: { code: 'refused' } });
    // The read after them sees the first write.
    expect(balance.result.pools.find((p: { pool: string }) => p.pool === 'video').remaining).toBe(0);
    expect(events()).toBe(before + 1);
  });

  it('refuses a malformed batch as a whole, with what is wrong, and runs none of it', async () => {
    const before = events();
    const record = { name: 'usage.record', input: { account: 'flux-edge', action: 'image', quantity: 1 } };
    const cases: [unknown, string, RegExp][] = [
      [[record], 'calls', /a batch is \{"calls"/],
      [{ calls: [] }, 'calls', /a batch is \{"calls".*calls/],
      [{ calls: [record], extra: 1 }, 'calls', /a batch is \{"calls"/],
      [{ calls: [record, { name: 7 }] }, 'calls.1.name', /calls\.1\.name/],
      [{ calls: [record, { name: 'x', input: {}, as: 'owner' }] }, 'calls.1', /calls\.1/],
      [{ calls: [record, { name: 'batch', input: { calls: [record] } }] }, 'calls.1.name', /cannot hold another batch/],
      [{ calls: Array.from({ length: MAX_BATCH_CALLS + 1 }, () => record) }, 'calls', new RegExp(`at most ${MAX_BATCH_CALLS} calls`)],
    ];
    for (const [body, field, message] of cases) {
      const r = await post(web.url, 'batch', body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.json().error).toMatchObject({ code: 'invalid_input', field });
      expect(r.json().error.message).toMatch(message);
    }
    expect((await post(web.url, 'batch', '{"calls": [')).json().error).toMatchObject({ code: 'invalid_input', field: 'body' });
    expect(events()).toBe(before);
  });

  it('takes POST only, from its own origin', async () => {
    const body = { calls: [{ name: 'accounts.list', input: {} }] };
    expect((await post(web.url, 'batch', body, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await raw(web.url, { method: 'GET', path: '/api/batch' })).status).toBe(405);
  });
});

describe('web host: the backup/export quota in a batch', () => {
  it('counts every call of a batch: past the quota, that call alone answers with the wait', async () => {
    const clock = new ManualClock(Date.parse('2026-11-15T12:00:00Z'));
    const dir = mkdtempSync(join(tmpdir(), 'creditdeck-batch-quota-'));
    const own = openLedger(join(dir, 'ledger.sqlite'), { clock, ids: seededIds(4) });
    const host = await startWebHost({ ctx: own, staticDir: fixtureSite().staticDir, log: () => {}, limits: { copiesPerHour: 2 } });
    try {
      const r = await post(host.url, 'batch', { calls: [{ name: 'data.backup' }, { name: 'data.export' }, { name: 'data.backup' }, { name: 'accounts.list' }] });
      expect(r.status).toBe(200);
      const out = r.json().result;
      expect(out.map((e: { ok: boolean }) => e.ok), JSON.stringify(out).slice(0, 400)).toEqual([true, true, false, true]);
      expect(out[2].error.message).toMatch(/at most 2 backups and exports an hour over HTTP; try again in 60 min/);
      // One backup written, not two; and the quota holds for a call sent alone too.
      expect((await post(host.url, 'data.backups', {})).json().result).toHaveLength(1);
      expect((await post(host.url, 'data.export', {})).status).toBe(429);
    } finally {
      await host.close();
      own.db.close();
    }
  });
});
