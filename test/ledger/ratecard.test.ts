/**
 * Rules 5 and 6: the rate card (free actions, dedupe, bring-your-own-key,
 * editable costs, costs the docs leave open) and usage events with an
 * idempotency key (duplicates return the first result; the same key with
 * different content is an error; refusals are recorded with a reason).
 */
import { describe, expect, test } from 'vitest';
import { count, entries, fresh } from './helpers.js';

describe('rate card', () => {
  test('FluxNote free actions record status free, cost nothing and write no entries — even with no credits left', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'free' });
    h.op('usage.record', { account: a, action: 'video' }); // the only video credit
    h.refused('usage.record', { account: a, action: 'video' }, 'insufficient_credits');
    const before = entries(h.ctx, a).length;
    for (const action of ['edit', 'caption', 'voice', 'template', 'upload', 'render', 'download']) {
      const r = h.op('usage.record', { account: a, action });
      expect([r.status, r.credits, r.debits]).toEqual(['free', 0, []]);
    }
    expect(entries(h.ctx, a).length).toBe(before);
    const v = h.pool(a, 'video');
    expect([v.remaining, v.usedThisPeriod]).toEqual([0, 1]);
  });

  test('Fluximage: alt text then SEO rename on the same image costs 1 AI credit together; the second is covered', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    const alt = h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'img-1' } });
    expect([alt.status, alt.credits]).toEqual(['applied', 1]);
    const seo = h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'img-1' } });
    expect([seo.status, seo.credits, seo.debits, seo.coveredBy]).toEqual(['covered', 0, [], alt.eventId]);
    expect(h.pool(a, 'ai').usedThisPeriod).toBe(1);
    // In the other order on another image, the same holds.
    const seo2 = h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'img-2' } });
    const alt2 = h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'img-2' } });
    expect([seo2.status, alt2.status, alt2.coveredBy]).toEqual(['applied', 'covered', seo2.eventId]);
    expect(h.pool(a, 'ai')).toMatchObject({ usedThisPeriod: 2, remaining: 198 });
  });

  test('a different image is charged again, and the same image is charged again next period', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'img-1' } });
    expect(h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'img-9' } }).credits).toBe(1);
    h.at('2026-07-02T10:00:00Z');
    const again = h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'img-1' } });
    expect([again.status, again.credits]).toEqual(['applied', 1]);
    expect(h.pool(a, 'ai').usedThisPeriod).toBe(1);
  });

  test('without the image attribute there is nothing to dedupe: each action is charged', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    h.op('usage.record', { account: a, action: 'alt-text' });
    expect(h.op('usage.record', { account: a, action: 'seo-rename' }).status).toBe('applied');
    expect(h.pool(a, 'ai').usedThisPeriod).toBe(2);
  });

  test('a covered action needs no credits: it passes when the AI pool is empty', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    h.op('usage.record', { account: a, action: 'alt-text', quantity: 199 });
    h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'last' } });
    expect(h.pool(a, 'ai').remaining).toBe(0);
    expect(h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'last' } }).status).toBe('covered');
    h.refused('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'other' } }, 'insufficient_credits');
  });

  test('Flowly with your own API key: status bypassed, no credits, even for a model with no cost set', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '100' } });
    const r = h.op('usage.record', { account: a, action: 'ai:claude-sonnet-4.5', byoKey: true });
    expect([r.status, r.credits, r.debits]).toEqual(['bypassed', 0, []]);
    expect(h.pool(a, 'credits')).toMatchObject({ remaining: 100, usedThisPeriod: 0 });
  });

  test('an action with no documented cost is refused as input until it is set (Flowly models, Flux MCP tool)', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const fl = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '100' } });
    const fx = h.account({ preset: 'flux', plan: 'edge' });
    expect(h.invalid('usage.record', { account: fl, action: 'ai:kimi-k2.5' }).message).toMatch(/no cost yet/);
    expect(h.invalid('usage.record', { account: fx, action: 'mcp-tool' }).message).toMatch(/no cost yet/);
    expect(count(h.ctx, 'events')).toBe(0);
    h.op('actions.set', { account: fl, action: 'ai:kimi-k2.5', cost: '2.5' });
    h.op('actions.set', { account: fx, action: 'mcp-tool', cost: 4 });
    expect(h.op('usage.record', { account: fl, action: 'ai:kimi-k2.5' }).credits).toBe(2.5);
    expect(h.op('usage.record', { account: fx, action: 'mcp-tool', quantity: 2 }).credits).toBe(8);
  });

  test('editing the rate card changes later costs only', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const first = h.op('usage.record', { account: a, action: 'sms', quantity: 2 });
    expect(first.credits).toBe(4);
    h.op('actions.set', { account: a, action: 'sms', cost: 3 });
    expect(h.op('usage.record', { account: a, action: 'sms', quantity: 2 }).credits).toBe(6);
    // The first event keeps its price: 4 + 6 used.
    expect(h.pool(a, 'credits').usedThisPeriod).toBe(10);
    const ev = h.op('events.list', { account: a }).events;
    expect(ev.map((e) => e.credits)).toEqual([6, 4]);
    // A brand-new action on the card.
    h.op('actions.set', { account: a, action: 'webhook', pool: 'credits', cost: '0.25', per: 10, unit: 'call' });
    expect(h.op('usage.record', { account: a, action: 'webhook', quantity: 3 }).credits).toBe(0.075);
  });

  test('making an action free, or giving it a dedupe group, applies from then on', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('actions.set', { account: a, action: 'email', free: true });
    expect(h.op('usage.record', { account: a, action: 'email' }).status).toBe('free');
    h.op('actions.set', { account: a, action: 'sms', dedupe: 'notify:user' });
    h.op('actions.set', { account: a, action: 'voice-call', dedupe: 'notify:user' });
    expect(h.op('usage.record', { account: a, action: 'sms', attrs: { user: 'u1' } }).credits).toBe(2);
    expect(h.op('usage.record', { account: a, action: 'voice-call', attrs: { user: 'u1' } }).status).toBe('covered');
  });
});

describe('usage events: idempotency and refusals', () => {
  test('same key, same content: status duplicate with the original event id and debits; nothing charged twice', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('grants.add', { account: a, pool: 'credits', amount: 5, source: 'bonus' });
    h.op('usage.record', { account: a, action: 'email', quantity: 998 });
    const first = h.op('usage.record', { account: a, action: 'sms', quantity: 2, key: 'job-42', attrs: { flow: 'f1' } });
    expect(first.debits.map((d) => [d.source, d.credits])).toEqual([
      ['monthly', 2],
      ['bonus', 2],
    ]);
    const used = h.pool(a, 'credits');
    const again = h.op('usage.record', { account: a, action: 'sms', quantity: 2, key: 'job-42', attrs: { flow: 'f1' } });
    expect(again.status).toBe('duplicate');
    expect(again.originalStatus).toBe('applied');
    expect(again.eventId).toBe(first.eventId);
    expect(again.credits).toBe(4);
    expect(again.debits).toEqual(first.debits);
    expect(h.pool(a, 'credits')).toEqual(used);
    expect(count(h.ctx, 'events', a)).toBe(2);
  });

  test('the same content written differently is still the same content: 2 = "2.000", attribute order does not matter', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    const first = h.op('usage.record', { account: a, action: 'sms', quantity: 2, key: 'k', attrs: { flow: 'f', execution: 'e' } });
    const again = h.op('usage.record', { account: a, action: 'sms', quantity: '2.000', key: 'k', attrs: { execution: 'e', flow: 'f' } });
    expect([again.status, again.eventId]).toEqual(['duplicate', first.eventId]);
    expect(h.pool(a, 'credits').usedThisPeriod).toBe(4);
  });

  test('a duplicate of a covered event says so', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluximage', plan: 'starter' });
    const alt = h.op('usage.record', { account: a, action: 'alt-text', attrs: { image: 'i' } });
    h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'i' }, key: 'seo-i' });
    const dup = h.op('usage.record', { account: a, action: 'seo-rename', attrs: { image: 'i' }, key: 'seo-i' });
    expect([dup.status, dup.originalStatus, dup.coveredBy, dup.credits]).toEqual(['duplicate', 'covered', alt.eventId, 0]);
  });

  test.each([
    ['another action', { action: 'email' }, 'action'],
    ['another quantity', { quantity: 3 }, 'quantity'],
    ['other attributes', { attrs: { flow: 'f2' } }, 'attributes'],
    ['another time', { at: '2026-06-02T09:00:00Z' }, 'time (--at)'],
    ['own key', { byoKey: true }, '--byo-key'],
  ])('same key with different content (%s) is an input error naming the field, and changes nothing', (_what, change, field) => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free' });
    h.op('usage.record', { account: a, action: 'sms', quantity: 2, key: 'k', attrs: { flow: 'f1' } });
    const e = h.invalid('usage.record', { account: a, action: 'sms', quantity: 2, key: 'k', attrs: { flow: 'f1' }, ...change });
    expect(e.message).toMatch(/^idempotency key "k" was already used for ev_\w+ with a different /);
    expect(e.message).toContain(`with a different ${field};`);
    expect(count(h.ctx, 'events', a)).toBe(1);
    expect(h.pool(a, 'credits').usedThisPeriod).toBe(4);
  });

  test('keys belong to one account: the same key on another account is new work', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'lux', plan: 'free', name: 'A' });
    const b = h.account({ preset: 'lux', plan: 'free', name: 'B' });
    h.op('usage.record', { account: a, action: 'email', key: 'same' });
    expect(h.op('usage.record', { account: b, action: 'email', key: 'same' }).status).toBe('applied');
  });

  test('insufficient credits: refused with a reason, recorded as a refusal and an exhausted alert; the same key passes once credits are added', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'free' });
    h.op('usage.record', { account: a, action: 'video' });
    const e = h.refused('usage.record', { account: a, action: 'video', key: 'retry-me' }, 'insufficient_credits');
    expect(e.message).toMatch(/not enough video credits/);
    expect(e.details).toMatchObject({ cost: 1, available: 0, nextReset: '2026-07-02T00:00:00.000Z' });
    const refusals = h.op('refusals.list', { account: a });
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatchObject({ action: 'video', pool: 'video', reason: 'insufficient_credits', at: '2026-06-02T10:00:00.000Z' });
    expect(refusals[0]!.id).toBe(e.details.refusalId);
    const alerts = h.op('alerts.list', { account: a }).filter((x) => x.kind === 'exhausted');
    expect(alerts.map((x) => [x.pool, x.level, x.periodStart])).toEqual([['video', 100, '2026-06-02T00:00:00.000Z']]);
    expect(count(h.ctx, 'events', a)).toBe(1);
    // FluxNote sells no packs, but a manual grant (e.g. a support credit) is allowed.
    h.op('grants.add', { account: a, pool: 'video', amount: 1, source: 'manual' });
    const ok = h.op('usage.record', { account: a, action: 'video', key: 'retry-me' });
    expect([ok.status, ok.credits]).toEqual(['applied', 1]);
    // The refusal is still on record.
    expect(h.op('refusals.list', { account: a })).toHaveLength(1);
  });

  test('a second refusal in the same period records another refusal row but not a second exhausted alert', () => {
    const h = fresh('2026-06-02T10:00:00Z');
    const a = h.account({ preset: 'fluxnote', plan: 'free' });
    h.op('usage.record', { account: a, action: 'video' });
    h.refused('usage.record', { account: a, action: 'video' }, 'insufficient_credits');
    h.refused('usage.record', { account: a, action: 'video' }, 'insufficient_credits');
    expect(h.op('refusals.list', { account: a })).toHaveLength(2);
    expect(h.op('alerts.list', { account: a }).filter((x) => x.kind === 'exhausted')).toHaveLength(1);
  });
});
