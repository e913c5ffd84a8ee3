/**
 * Bad input leaves the ledger unchanged: each call below must throw InputError
 * with a message naming the problem, and every table's content (every table in
 * sqlite_master, rows as JSON) must be identical before and after. The ledger
 * is set up mid-period with activity on it, and the clock sits past a reset
 * that has not been booked yet — so a call that got as far as booking the
 * reset before failing would show up as a change.
 */
import { describe, expect, test } from 'vitest';
import { call } from '../../main/core/api/handlers.js';
import { InputError } from '../../main/core/util/errors.js';
import { fresh, snapshot, thrown } from './helpers.js';

function setUp() {
  const h = fresh('2026-01-15T12:00:00Z');
  const lux = h.account({ preset: 'lux', plan: 'free', anchor: '2026-01-10', name: 'Lux' });
  const flowly = h.account({ preset: 'flowly', plan: 'custom', amounts: { credits: '500' }, tz: 'Europe/Paris', name: 'Flowly' });
  h.op('members.add', { account: lux, member: 'alice', monthlyLimit: 100 });
  h.op('usage.record', { account: lux, action: 'email', quantity: 10, key: 'k1', member: 'alice' });
  h.op('grants.add', { account: lux, pool: 'credits', amount: 100, source: 'purchase', priceCents: 100 });
  const hold = h.op('holds.place', { account: lux, pool: 'credits', amount: 5 }).holdId;
  h.op('actions.set', { account: flowly, action: 'ai:claude-sonnet-4.5', cost: 2 });
  // Past Lux's Feb 10 reset, which nothing has booked yet.
  h.at('2026-02-11T09:00:00Z');
  return { h, lux, flowly, hold };
}

const long = 'x'.repeat(201);
const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, 'v']));

type Case = [string, string, (ids: { lux: string; flowly: string; hold: string }) => unknown, RegExp];

const cases: Case[] = [
  // usage.record: quantities
  ['negative quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: -1 }), /quantity must not be negative/],
  ['zero quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 0 }), /quantity must be greater than zero/],
  ['NaN quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: Number.NaN }), /quantity/],
  ['"Infinity" quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 'Infinity' }), /quantity must be a plain decimal/],
  ['"1e308" quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: '1e308' }), /quantity must be a plain decimal/],
  ['1e308 number quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 1e308 }), /too large/],
  ['non-numeric quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 'ten' }), /quantity must be a plain decimal/],
  ['object quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: {} }), /input at quantity/],
  ['too precise quantity', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 1.2345 }), /quantity has more than 3 decimal places/],
  // usage.record: unknown things
  ['unknown account', 'usage.record', () => ({ account: 'nope', action: 'email' }), /account "nope" was not found/],
  ['unknown action', 'usage.record', ({ lux }) => ({ account: lux, action: 'teleport' }), /unknown action "teleport"/],
  ['unknown member', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', member: 'mallory' }), /unknown member "mallory"/],
  ['action without a cost', 'usage.record', ({ flowly }) => ({ account: flowly, action: 'ai:kimi-k2.5' }), /no cost yet/],
  // usage.record: dates
  ['impossible date', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', at: '2026-02-30' }), /--at "2026-02-30" is not a real date/],
  ['"yesterday"', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', at: 'yesterday' }), /--at must be an ISO 8601 time/],
  ['a time in the future', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', at: '2026-03-01T00:00:00Z' }), /in the future/],
  ['before the account began', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', at: '2025-06-01T00:00:00Z' }), /before Lux's first period/],
  ['year 1900', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', at: '1900-01-01T00:00:00Z' }), /outside the years/],
  // usage.record: attributes, keys, types
  ['oversized attribute value', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', attrs: { flow: long } }), /attribute flow must be 1–200 characters/],
  ['too many attributes', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', attrs: many }), /at most 16 attributes/],
  ['control character in an attribute', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', attrs: { flow: 'a\u0007b' } }), /input at attrs\.flow: contains a control character \(U\+0007\) at position 2/],
  ['bad attribute name', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', attrs: { '1flow': 'x' } }), /attribute name "1flow"/],
  ['key with a space', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', key: 'has space' }), /--key must be 1–128 visible ASCII/],
  ['key with a newline', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', key: 'k\n2' }), /input at key: contains a control character \(U\+000A\) at position 2/],
  ['reused key, other content', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', quantity: 11, key: 'k1', member: 'alice' }), /idempotency key "k1"/],
  ['byoKey as text', 'usage.record', ({ lux }) => ({ account: lux, action: 'email', byoKey: 'yes' }), /input at byoKey/],
  ['no input at all', 'usage.record', () => null, /input at account/],
  ['a hold on another pool', 'usage.record', ({ flowly, hold }) => ({ account: flowly, action: 'ai:claude-sonnet-4.5', holdId: hold }), /is not an open hold/],
  // grants
  ['zero grant', 'grants.add', ({ lux }) => ({ account: lux, pool: 'credits', amount: 0 }), /amount must be greater than zero/],
  ['unknown pool', 'grants.add', ({ lux }) => ({ account: lux, pool: 'gold', amount: 5 }), /unknown pool "gold"/],
  ['unknown source', 'grants.add', ({ lux }) => ({ account: lux, pool: 'credits', amount: 5, source: 'gift' }), /input at source/],
  ['fractional price', 'grants.add', ({ lux }) => ({ account: lux, pool: 'credits', amount: 5, source: 'purchase', priceCents: '9.99' }), /--price is in cents \(minor units\)/],
  ['fractional price as a number', 'grants.add', ({ lux }) => ({ account: lux, pool: 'credits', amount: 5, source: 'purchase', priceCents: 9.99 }), /--price must be a whole number/],
  ['expiry before the grant', 'grants.add', ({ lux }) => ({ account: lux, pool: 'credits', amount: 5, expires: '2026-02-01T00:00:00Z' }), /--expires .* must be after the grant time/],
  ['unknown grant to refund', 'grants.refund', () => ({ grant: 'gr_missing' }), /grant "gr_missing" was not found/],
  // accounts
  ['bad time zone', 'accounts.add', () => ({ preset: 'lux', plan: 'free', tz: 'Mars/Base' }), /"Mars\/Base" is not a valid IANA time zone/],
  ['unknown preset', 'accounts.add', () => ({ preset: 'acme', plan: 'free' }), /unknown preset "acme"/],
  ['unknown plan', 'accounts.add', () => ({ preset: 'lux', plan: 'platinum' }), /unknown plan "platinum"/],
  ['impossible anchor', 'accounts.add', () => ({ preset: 'lux', plan: 'free', anchor: '2026-02-30' }), /--anchor "2026-02-30" is not a real calendar date/],
  ['anchor after the start', 'accounts.add', () => ({ preset: 'lux', plan: 'free', anchor: '2030-01-01' }), /--anchor 2030-01-01 is after the account's start/],
  ['control characters in a name', 'accounts.add', () => ({ preset: 'lux', plan: 'free', name: 'evil\u0000name' }), /input at name: contains a control character \(U\+0000\) at position 5/],
  ['open allocation not given', 'accounts.add', () => ({ preset: 'lux', plan: 'enterprise' }), /--amount credits=N/],
  ['amount for a fixed allocation', 'accounts.add', () => ({ preset: 'lux', plan: 'free', amounts: { credits: '5' } }), /already sets credits/],
  ['both preset and provider', 'accounts.add', () => ({ preset: 'lux', provider: {}, plan: 'free' }), /exactly one of/],
  ['invalid custom provider', 'accounts.add', () => ({ provider: { id: 'Bad Id' }, plan: 'x' }), /provider is invalid at/],
  ['unknown plan change', 'accounts.plan', ({ lux }) => ({ account: lux, plan: 'nope' }), /unknown plan "nope"/],
  ['negative monthly limit', 'accounts.set', ({ lux }) => ({ account: lux, monthlyLimit: -5 }), /--monthly-limit must not be negative/],
  ['thresholds out of range', 'accounts.set', ({ lux }) => ({ account: lux, thresholds: [0, 150] }), /--thresholds must be/],
  ['empty name', 'accounts.set', ({ lux }) => ({ account: lux, name: '  ' }), /--name must be 1–80 characters/],
  // members, limits, actions
  ['bad member id', 'members.add', ({ lux }) => ({ account: lux, member: 'bad id!' }), /member ids use letters/],
  ['non-numeric member limit', 'members.add', ({ lux }) => ({ account: lux, member: 'bob', monthlyLimit: 'lots' }), /--monthly-limit must be a plain decimal/],
  ['bad attribute for a daily limit', 'limits.daily', ({ flowly }) => ({ account: flowly, attr: '9server', value: '*', limit: 5 }), /attribute name "9server" is not valid/],
  ['negative daily limit', 'limits.daily', ({ flowly }) => ({ account: flowly, attr: 'server', value: '*', limit: -1 }), /--daily must not be negative/],
  ['non-numeric cost', 'actions.set', ({ lux }) => ({ account: lux, action: 'email', cost: 'free' }), /--cost must be a plain decimal/],
  ['zero per', 'actions.set', ({ lux }) => ({ account: lux, action: 'email', per: 0 }), /--per must be greater than zero/],
  ['bad action id', 'actions.set', ({ lux }) => ({ account: lux, action: 'Bad Action', pool: 'credits', cost: 1 }), /action ids use lowercase/],
  ['new action without a pool', 'actions.set', ({ lux }) => ({ account: lux, action: 'fax', cost: 1 }), /new action fax needs --pool/],
  ['malformed dedupe', 'actions.set', ({ lux }) => ({ account: lux, action: 'email', dedupe: 'nogroup' }), /--dedupe must be GROUP:ATTRIBUTE/],
  ['fractional hourly limit', 'actions.set', ({ lux }) => ({ account: lux, action: 'email', hourlyLimit: 1.5 }), /--hourly-limit must be a whole number/],
  // holds, voids, reads
  ['"Infinity" hold', 'holds.place', ({ lux }) => ({ account: lux, pool: 'credits', amount: 'Infinity' }), /amount must be a plain decimal/],
  ['hold on an unknown pool', 'holds.place', ({ lux }) => ({ account: lux, pool: 'gold', amount: 1 }), /unknown pool "gold"/],
  ['capture on an unknown hold', 'holds.capture', () => ({ hold: 'hold_nope', action: 'email' }), /hold "hold_nope" was not found/],
  ['release an unknown hold', 'holds.release', () => ({ hold: 'hold_nope' }), /hold "hold_nope" was not found/],
  ['void an unknown event', 'events.void', () => ({ event: 'ev_zzzz' }), /event "ev_zzzz" was not found/],
  ['balance at "yesterday"', 'balance.get', ({ lux }) => ({ account: lux, at: 'yesterday' }), /--at must be an ISO 8601 time/],
  ['report by hour', 'reports.usage', ({ lux }) => ({ account: lux, by: ['hour'] }), /--by "hour" is not a grouping/],
  ['report backwards', 'reports.usage', ({ lux }) => ({ account: lux, from: '2026-02-01', to: '2026-01-01' }), /--to must be after --from/],
  ['report filter on a bad attribute', 'reports.usage', ({ lux }) => ({ account: lux, where: { 'bad key': 'x' } }), /attribute name "bad key" is not valid/],
  ['unknown API call', 'ledger.drop', () => ({}), /unknown API call "ledger.drop"/],
];

describe('bad input leaves the ledger unchanged', () => {
  test('there are at least 30 cases across at least 10 handlers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c[1])).size).toBeGreaterThanOrEqual(10);
  });

  test.each(cases)('%s (%s)', (_name, handler, input, message) => {
    const { h, lux, flowly, hold } = setUp();
    const before = snapshot(h.ctx);
    const e = thrown(() => call(h.ctx, handler as 'usage.record', input({ lux, flowly, hold })));
    expect(e, String(e)).toBeInstanceOf(InputError);
    expect((e as InputError).message).toMatch(message);
    expect(snapshot(h.ctx)).toBe(before);
    h.clean();
  });

  test('after all of them in a row, a good call still works and books the pending reset', () => {
    const { h, lux, flowly, hold } = setUp();
    const before = snapshot(h.ctx);
    for (const [, handler, input] of cases) expect(thrown(() => call(h.ctx, handler as 'usage.record', input({ lux, flowly, hold })))).toBeInstanceOf(InputError);
    expect(snapshot(h.ctx)).toBe(before);
    const r = h.op('usage.record', { account: lux, action: 'email', quantity: 1 });
    expect(r.debits.map((d) => d.source)).toEqual(['monthly']);
    expect(h.pool(lux, 'credits')).toMatchObject({ monthlyRemaining: 999, topupRemaining: 100, periodStart: '2026-02-10T00:00:00.000Z' });
    // The snapshot does see real changes.
    expect(snapshot(h.ctx)).not.toBe(before);
  });
});
