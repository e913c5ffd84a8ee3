/**
 * Rule 8, holds: reserve credits on a pool before a batch job; other usage
 * cannot spend what is held; captures draw the hold down; release frees the
 * rest; an expired hold releases itself; holding more than is available is
 * refused.
 */
import { describe, expect, test } from 'vitest';
import { contentHash, count, fresh, ms } from './helpers.js';

const flux = () => {
  const h = fresh('2026-06-02T10:00:00Z');
  const a = h.account({ preset: 'flux', plan: 'edge' });
  h.op('actions.set', { account: a, action: 'mcp-tool', cost: 1 });
  return { h, a };
};

describe('holds', () => {
  test('held credits cannot be spent by other usage', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 150 });
    expect([hold.status, hold.credits, hold.outstanding]).toEqual(['open', 150, 150]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 200, held: 150, available: 50 });
    const e = h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 51 }, 'insufficient_credits');
    expect(e.details).toMatchObject({ available: 50, held: 150 });
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 50 });
    h.refused('usage.record', { account: a, action: 'mcp-tool', quantity: 1 }, 'insufficient_credits');
    // A second hold cannot take held credits either.
    const e2 = h.refused('holds.place', { account: a, pool: 'credits', amount: 1 }, 'hold');
    expect(e2.details).toMatchObject({ available: 0 });
  });

  test('capture draws the hold down; release frees the rest', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 150 });
    const c = h.op('holds.capture', { hold: hold.holdId, action: 'mcp-tool', quantity: 100 });
    expect([c.status, c.credits]).toEqual(['applied', 100]);
    let v = h.op('holds.list', { account: a })[0]!;
    expect([v.status, v.outstanding, v.captured]).toEqual(['open', 50, 100]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 100, held: 50, available: 50 });
    const r = h.op('holds.release', { hold: hold.holdId });
    expect([r.status, r.outstanding, r.captured]).toEqual(['released', 0, 100]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 100, held: 0, available: 100 });
    // Releasing again is harmless; capturing against a released hold is refused as input.
    expect(h.op('holds.release', { hold: hold.holdId }).status).toBe('released');
    h.invalid('holds.capture', { hold: hold.holdId, action: 'mcp-tool' });
    v = h.op('holds.list', { account: a })[0]!;
    expect(v.captured).toBe(100);
  });

  test('a capture larger than the hold takes the hold and then free credits', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 10 });
    h.op('holds.capture', { hold: hold.holdId, action: 'mcp-tool', quantity: 15 });
    expect(h.op('holds.list', { account: a })[0]).toMatchObject({ outstanding: 0, captured: 10 });
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 185, held: 0, available: 185 });
  });

  test('several captures against one hold, with an idempotent retry in between', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 30, key: 'batch-1' });
    for (let i = 0; i < 3; i++) h.op('holds.capture', { hold: hold.holdId, action: 'mcp-tool', quantity: 5, key: `item-${i}` });
    expect(h.op('holds.capture', { hold: hold.holdId, action: 'mcp-tool', quantity: 5, key: 'item-1' }).status).toBe('duplicate');
    expect(h.op('holds.list', { account: a })[0]).toMatchObject({ outstanding: 15, captured: 15 });
    // Placing the same hold again by key returns it, not a second hold.
    expect(h.op('holds.place', { account: a, pool: 'credits', amount: 30, key: 'batch-1' }).holdId).toBe(hold.holdId);
    expect(count(h.ctx, 'holds', a)).toBe(1);
  });

  test('an expired hold releases itself: the balance returns without a write, and the next write books the expiry', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 120, expires: '2026-06-02T10:30:00Z' });
    expect(h.pool(a, 'credits').available).toBe(80);
    h.clock.set(ms('2026-06-02T10:29:59.999Z'));
    expect(h.pool(a, 'credits').available).toBe(80);
    h.clock.set(ms('2026-06-02T10:30:00Z'));
    const hash = contentHash(h.ctx);
    expect(h.pool(a, 'credits')).toMatchObject({ held: 0, available: 200 });
    expect(h.op('holds.list', { account: a })[0]!.status).toBe('expired');
    expect(contentHash(h.ctx)).toBe(hash);
    // A usage write now books the expiry as a hold move dated at the expiry instant.
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 200 });
    const moves = h.ctx.db.prepare('SELECT kind, amount_mc, at FROM hold_moves WHERE hold_id = ?').all(hold.holdId);
    expect(moves).toEqual([{ kind: 'expire', amount_mc: 120_000, at: ms('2026-06-02T10:30:00Z') }]);
    h.invalid('holds.capture', { hold: hold.holdId, action: 'mcp-tool' });
  });

  test('the default hold lasts one hour', () => {
    const { h, a } = flux();
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 5 });
    expect(hold.expiresAt).toBe('2026-06-02T11:00:00.000Z');
  });

  test('holding more than is available is refused with reason hold and recorded; nothing is held', () => {
    const { h, a } = flux();
    h.op('usage.record', { account: a, action: 'mcp-tool', quantity: 50 });
    const e = h.refused('holds.place', { account: a, pool: 'credits', amount: 151 }, 'hold');
    expect(e.details).toMatchObject({ available: 150 });
    expect(count(h.ctx, 'holds', a)).toBe(0);
    expect(h.op('refusals.list', { account: a }).map((r) => [r.reason, r.action])).toEqual([['hold', 'hold']]);
    expect(h.op('holds.place', { account: a, pool: 'credits', amount: 150 }).outstanding).toBe(150);
  });

  test('a hold spans top-ups as well as the monthly grant, and its captures follow the draw-down order', () => {
    const { h, a } = flux();
    h.op('grants.add', { account: a, pool: 'credits', amount: 500, source: 'purchase', priceCents: 500 });
    const hold = h.op('holds.place', { account: a, pool: 'credits', amount: 600 });
    const c = h.op('holds.capture', { hold: hold.holdId, action: 'mcp-tool', quantity: 250 });
    expect(c.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 200],
      ['purchase', 50],
    ]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 450, held: 350, available: 100 });
  });
});
