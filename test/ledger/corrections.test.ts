/**
 * Corrections a creator makes every day (issue 15): the opening entry of an
 * account added mid-period, a plan change's preview, archiving an account,
 * and renaming, capping per pool and removing a member. Every call goes
 * through the handler map; the invariants are checked after each (helpers.ts).
 */
import { describe, expect, it } from 'vitest';
import { DAY, fresh } from './helpers.js';

const ACCOUNT = 'fluxnote-rise';

describe('opening entry', () => {
  it('records what is already used this period as usage dated now, counted in pace from the period start', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    // Subscribed on the 1st: the period runs Dec 1 → Jan 1 and half of it has passed.
    const added = h.op('accounts.add', { preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01', used: { video: '10', image: '0' } });
    expect(added.opening).toEqual([{ pool: 'video', credits: 10, eventId: 'ev_1' }]);
    expect(h.pool(ACCOUNT, 'video')).toMatchObject({ allocation: 21, usedThisPeriod: 10, available: 11 });
    expect(h.pool(ACCOUNT, 'image')).toMatchObject({ usedThisPeriod: 0, available: 1000 });
    const [event] = h.op('events.list', { account: ACCOUNT }).events;
    expect(event).toMatchObject({ eventId: 'ev_1', action: 'opening', pool: 'video', credits: 10, at: '2026-12-16T12:00:00.000Z' });
    // 10 used over 15.5 days: the pace is that, not 10 in the half-day since the account was added.
    const f = h.op('reports.forecast', { account: ACCOUNT }).pools.find((p) => p.pool === 'video')!;
    expect(f.burnPerDay).toBeCloseTo(10 / 15.5, 2);
  });

  it('is once per pool, never more than the period holds, never before the account or after its first period', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01' });
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { video: '22' } }).message).toMatch(/22 used in video is more than the 21 this period holds/);
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { video: '0' } }).message).toMatch(/at least one pool/);
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { sound: '1' } }).message).toMatch(/unknown pool "sound"/);
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { video: '1' }, at: '2026-12-16T11:00:00Z' }).message).toMatch(/before FluxNote Rise was added/);
    const first = h.op('accounts.opening', { account: ACCOUNT, used: { video: '4' } });
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { video: '4' } }).message).toMatch(/already has an opening entry of 4 for video \(ev_1\); void it first/);
    // Voided, it can be recorded again with the right figure.
    h.at('2026-12-16T12:05:00Z');
    h.op('events.void', { event: first.entries[0]!.eventId });
    h.op('accounts.opening', { account: ACCOUNT, used: { video: '5' } });
    expect(h.pool(ACCOUNT, 'video').usedThisPeriod).toBe(5);
    h.clock.advance(20 * DAY);
    expect(h.invalid('accounts.opening', { account: ACCOUNT, used: { image: '5' } }).message).toMatch(/belongs to FluxNote Rise's first period .*a reconciliation/);
  });

  it('a bad opening adds no account either', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.invalid('accounts.add', { preset: 'fluxnote', plan: 'rise', used: { video: '500' } });
    expect(h.op('accounts.list', {})).toEqual([]);
  });

  it('no rate card may take the opening action', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise' });
    expect(h.invalid('actions.set', { account: ACCOUNT, action: 'opening', pool: 'video', cost: 1 }).message).toMatch(/ledger's own action/);
  });
});

describe('plan-change preview', () => {
  it('answers what the change grants now and what applies at the reset, and writes nothing', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01' });
    h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 6 });
    const before = JSON.stringify(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM entries').get()) + JSON.stringify(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM plan_changes').get());
    const up = h.op('accounts.planPreview', { account: ACCOUNT, plan: 'pro' });
    expect(up).toMatchObject({ from: 'rise', fromName: 'Rise', to: 'pro', toName: 'Pro', nextReset: '2027-01-01T00:00:00.000Z' });
    expect(up.pools.find((p) => p.pool === 'video')).toEqual({
      pool: 'video',
      label: 'Video credits',
      availableNow: 15,
      grantedNow: 29,
      forfeitedNow: 0,
      availableAfter: 44,
      allocationNow: 21,
      allocationAtReset: 50,
    });
    const after = JSON.stringify(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM entries').get()) + JSON.stringify(h.ctx.db.prepare('SELECT COUNT(*) AS n FROM plan_changes').get());
    expect(after).toBe(before);
    // Confirm does what the preview said.
    const done = h.op('accounts.plan', { account: ACCOUNT, plan: 'pro' });
    expect(done.granted).toEqual([
      { pool: 'video', credits: 29 },
      { pool: 'image', credits: 1100 },
    ]);
    expect(h.pool(ACCOUNT, 'video').available).toBe(44);
    // The default name named the plan: it follows, the id stays.
    expect(up).toMatchObject({ name: 'FluxNote Rise', nameAfter: 'FluxNote Pro' });
    expect(done.name).toBe('FluxNote Pro');
    expect(h.op('accounts.list', {})[0]).toMatchObject({ id: ACCOUNT, name: 'FluxNote Pro', plan: 'pro', planName: 'Pro' });
    // A downgrade grants nothing now; the smaller allocation applies from the reset.
    const down = h.op('accounts.planPreview', { account: ACCOUNT, plan: 'free' });
    expect(down.pools.find((p) => p.pool === 'video')).toMatchObject({ availableNow: 44, grantedNow: 0, availableAfter: 44, allocationNow: 50, allocationAtReset: 1 });
    // A name of one's own is kept.
    h.op('accounts.set', { account: ACCOUNT, name: 'Studio' });
    expect(h.op('accounts.planPreview', { account: ACCOUNT, plan: 'free' }).nameAfter).toBe('Studio');
    // The same plan is refused, as the change would be.
    expect(h.invalid('accounts.planPreview', { account: ACCOUNT, plan: 'pro' }).message).toMatch(/already on Pro/);
  });

  it('says what is available after on a clock that moves on between reads, as a live one does', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01' });
    h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 6 });
    const still = h.clock.now.bind(h.clock);
    let ticks = 0;
    h.clock.now = () => still() + ++ticks;
    const video = h.op('accounts.planPreview', { account: ACCOUNT, plan: 'pro' }).pools.find((p) => p.pool === 'video')!;
    expect([video.availableNow, video.grantedNow, video.availableAfter]).toEqual([15, 29, 44]);
  });
});

describe('archiving an account', () => {
  it('hides it from the lists, refuses new entries, keeps the ledger whole, and restores', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise' });
    h.account({ preset: 'fluximage', plan: 'starter', name: 'Images' });
    h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 2 });
    expect(h.op('accounts.archive', { account: ACCOUNT, archived: true })).toMatchObject({ id: ACCOUNT, archived: true });
    expect(h.op('accounts.list', {}).map((a) => a.id)).toEqual(['images']);
    expect(h.op('balance.all', {}).map((b) => b.account)).toEqual(['images']);
    expect(h.op('agents.resets', {}).accounts.map((a) => a.account)).toEqual(['images']);
    expect(h.op('accounts.list', { includeArchived: true }).map((a) => [a.id, a.archived])).toEqual([
      [ACCOUNT, true],
      ['images', false],
    ]);
    // Still readable, still in the ledger.
    expect(h.pool(ACCOUNT, 'video').usedThisPeriod).toBe(2);
    expect(h.op('check', {}).ok).toBe(true);
    expect(h.invalid('usage.record', { account: ACCOUNT, action: 'video' }).message).toMatch(/FluxNote Rise is archived: it takes no new usage.*restore it first/);
    h.invalid('grants.add', { account: ACCOUNT, pool: 'video', amount: 5 });
    h.invalid('accounts.plan', { account: ACCOUNT, plan: 'pro' });
    expect(h.invalid('accounts.archive', { account: ACCOUNT, archived: true }).message).toMatch(/already archived/);
    h.op('accounts.archive', { account: ACCOUNT, archived: false });
    expect(h.op('usage.record', { account: ACCOUNT, action: 'video' }).status).toBe('applied');
    expect(h.op('accounts.list', {}).map((a) => a.id)).toEqual([ACCOUNT, 'images']);
  });

  it('renaming is accounts.set with a name', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise' });
    expect(h.op('accounts.set', { account: ACCOUNT, name: 'Studio videos' })).toMatchObject({ id: ACCOUNT, name: 'Studio videos' });
    expect(h.invalid('accounts.set', { account: ACCOUNT, name: ' ' }).message).toMatch(/1–80/);
  });
});

describe('members: rename, cap per pool, remove', () => {
  it('a cap on one pool refuses usage past it in that pool only, per period, and a void gives it back', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise', anchor: '2026-11-01' });
    h.op('members.add', { account: ACCOUNT, member: 'ana', name: 'Ana' });
    h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 2, member: 'ana' });
    // A cap set after some use counts what was already spent this period.
    expect(h.op('members.cap', { account: ACCOUNT, member: 'ana', pool: 'video', cap: 3 })).toMatchObject({ id: 'ana', caps: { video: 3 }, monthlyLimit: null });
    const r = h.refused('usage.record', { account: ACCOUNT, action: 'video', quantity: 2, member: 'ana' }, 'member_cap');
    expect(r.message).toMatch(/ana's cap on fluxnote-rise\/video is 3 credits per period and 2 are spent/);
    // Other pools are not capped.
    expect(h.op('usage.record', { account: ACCOUNT, action: 'image', quantity: 50, member: 'ana' }).status).toBe('applied');
    const one = h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 1, member: 'ana' });
    h.refused('usage.record', { account: ACCOUNT, action: 'video', member: 'ana' }, 'member_cap');
    h.op('events.void', { event: one.eventId });
    expect(h.op('usage.record', { account: ACCOUNT, action: 'video', member: 'ana' }).status).toBe('applied');
    // The next period starts afresh.
    h.at('2027-01-02T00:00:00Z');
    expect(h.op('usage.record', { account: ACCOUNT, action: 'video', quantity: 3, member: 'ana' }).status).toBe('applied');
    // Cleared with null.
    expect(h.op('members.cap', { account: ACCOUNT, member: 'ana', pool: 'video', cap: null }).caps).toEqual({});
    expect(h.op('usage.record', { account: ACCOUNT, action: 'video', member: 'ana' }).status).toBe('applied');
    expect(h.invalid('members.cap', { account: ACCOUNT, member: 'ana', pool: 'sound', cap: 1 }).message).toMatch(/unknown pool "sound"/);
    expect(h.invalid('members.cap', { account: ACCOUNT, member: 'zed', pool: 'video', cap: 1 }).message).toMatch(/unknown member "zed"/);
  });

  it('the monthly limit for all pools together still applies beside the caps (old data keeps its meaning)', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise' });
    h.op('members.add', { account: ACCOUNT, member: 'bo', monthlyLimit: 5 });
    h.op('members.cap', { account: ACCOUNT, member: 'bo', pool: 'image', cap: 100 });
    h.op('usage.record', { account: ACCOUNT, action: 'image', quantity: 5, member: 'bo' });
    h.refused('usage.record', { account: ACCOUNT, action: 'video', member: 'bo' }, 'member_limit');
  });

  it('rename keeps the id; remove refuses their new usage, keeps their history and name; adding again restores', () => {
    const h = fresh('2026-12-16T12:00:00Z');
    h.account({ preset: 'fluxnote', plan: 'rise' });
    h.op('members.add', { account: ACCOUNT, member: 'ana', name: 'Ana' });
    h.op('members.cap', { account: ACCOUNT, member: 'ana', pool: 'image', cap: 40 });
    const used = h.op('usage.record', { account: ACCOUNT, action: 'image', quantity: 3, member: 'ana' });
    expect(h.op('members.rename', { account: ACCOUNT, member: 'ana', name: 'Ana Lima' })).toMatchObject({ id: 'ana', name: 'Ana Lima' });
    expect(h.invalid('members.rename', { account: ACCOUNT, member: 'ana', name: '' }).message).toMatch(/1–80/);
    h.clock.advance(60_000);
    expect(h.op('members.remove', { account: ACCOUNT, member: 'ana' })).toMatchObject({ id: 'ana', name: 'Ana Lima', removedAt: '2026-12-16T12:01:00.000Z' });
    expect(h.op('members.list', { account: ACCOUNT })).toEqual([]);
    expect(h.op('members.list', { account: ACCOUNT, includeRemoved: true })).toEqual([{ id: 'ana', name: 'Ana Lima', monthlyLimit: null, caps: { image: 40 }, removedAt: '2026-12-16T12:01:00.000Z' }]);
    expect(h.invalid('usage.record', { account: ACCOUNT, action: 'image', member: 'ana' }).message).toMatch(/ana was removed from FluxNote Rise; add them again/);
    expect(h.invalid('members.remove', { account: ACCOUNT, member: 'ana' }).message).toMatch(/was removed/);
    expect(h.op('events.list', { account: ACCOUNT }).events.find((e) => e.eventId === used.eventId)).toMatchObject({ member: 'ana' });
    expect(h.op('check', {}).ok).toBe(true);
    expect(h.op('members.add', { account: ACCOUNT, member: 'ana' })).toMatchObject({ name: 'Ana Lima', caps: { image: 40 }, removedAt: null, existed: false });
    expect(h.op('usage.record', { account: ACCOUNT, action: 'image', member: 'ana' }).status).toBe('applied');
  });
});
