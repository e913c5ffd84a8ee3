/**
 * Bad inputs to the API as a remote caller sends them (HTTP body or IPC
 * argument): each names its call, its input and what its error must say.
 * http.test.ts and ipc.test.ts run every one; JSON cannot carry NaN or
 * Infinity (they become null), so those cases expect a message about the
 * field either way.
 */
import { presets } from '../../main/core/presets/index.js';

export interface Ids {
  holdId: string;
  eventId: string;
  purchaseId: string;
}

export interface ApiCase {
  name: string;
  call: string;
  input: (ids: Ids) => unknown;
  message: RegExp;
}

const long = (n: number) => 'x'.repeat(n);
const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`a${i}`, 'v']));
const use = (extra: Record<string, unknown>) => () => ({ account: 'lux', action: 'email', ...extra });

/**
 * One unsafe character in each free-text field, at position 2 of "a?b":
 * C0 (ESC, NUL, tab, newline, DEL), C1 (CSI U+009B, NEL U+0085) and bidi
 * (RLO U+202E, LRI U+2066, PDI U+2069, RLM U+200F, ALM U+061C).
 */
const CHARS = ['\u001b', '\u202e', '\u009b', '\u0000', '\u2066', '\t', '\u0085', '\u200f', '\n', '\u061c', '\u007f', '\u2069'];
const hex = (c: string) => c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
const TEXT_FIELDS: [call: string, field: string, input: (bad: string, ids: Ids) => unknown][] = [
  ['accounts.add', 'name', (x) => ({ preset: 'lux', plan: 'free', name: x })],
  ['accounts.add', 'plan', (x) => ({ preset: 'lux', plan: x })],
  ['accounts.add', 'preset', (x) => ({ preset: x, plan: 'free' })],
  ['accounts.set', 'name', (x) => ({ account: 'lux', name: x })],
  ['accounts.set', 'account', (x) => ({ account: x, name: 'Lux' })],
  ['accounts.plan', 'plan', (x) => ({ account: 'lux', plan: x })],
  ['members.add', 'member', (x) => ({ account: 'lux', member: x })],
  ['members.add', 'name', (x) => ({ account: 'lux', member: 'bob', name: x })],
  ['actions.set', 'action', (x) => ({ account: 'lux', action: x, cost: 1 })],
  ['actions.set', 'label', (x) => ({ account: 'lux', action: 'email', label: x })],
  ['actions.set', 'unit', (x) => ({ account: 'lux', action: 'email', unit: x })],
  ['actions.set', 'pool', (x) => ({ account: 'lux', action: 'email', pool: x })],
  ['limits.daily', 'attr', (x) => ({ account: 'lux', attr: x, value: '*', limit: 5 })],
  ['limits.daily', 'value', (x) => ({ account: 'lux', attr: 'server', value: x, limit: 5 })],
  ['usage.record', 'account', (x) => ({ account: x, action: 'email' })],
  ['usage.record', 'action', (x) => ({ account: 'lux', action: x })],
  ['usage.record', 'member', (x) => ({ account: 'lux', action: 'email', member: x })],
  ['usage.record', 'key', (x) => ({ account: 'lux', action: 'email', key: x })],
  ['usage.record', 'attrs.flow', (x) => ({ account: 'lux', action: 'email', attrs: { flow: x } })],
  ['usage.record', 'at', (x) => ({ account: 'lux', action: 'email', at: x })],
  ['grants.add', 'note', (x) => ({ account: 'lux', pool: 'credits', amount: 5, note: x })],
  ['grants.add', 'pool', (x) => ({ account: 'lux', pool: x, amount: 5 })],
  ['grants.add', 'key', (x) => ({ account: 'lux', pool: 'credits', amount: 5, key: x })],
  ['holds.place', 'note', (x) => ({ account: 'lux', pool: 'credits', amount: 1, note: x })],
  ['holds.capture', 'action', (x, ids) => ({ hold: ids.holdId, action: x })],
  ['holds.release', 'hold', (x) => ({ hold: x })],
  ['events.void', 'reason', (x, ids) => ({ event: ids.eventId, reason: x })],
  ['events.list', 'action', (x) => ({ account: 'lux', action: x })],
  ['reports.usage', 'where.server', (x) => ({ account: 'lux', where: { server: x } })],
  ['reports.usage', 'by.0', (x) => ({ account: 'lux', by: [x] })],
  ['grants.refund', 'grant', (x) => ({ grant: x })],
  ['purchases.confirmManual', 'note', (x) => ({ account: 'lux', pack: 'credits', note: x, credits: 5 })],
];
const TEXT_CASES: ApiCase[] = TEXT_FIELDS.map(([call, field, input], i) => {
  const c = CHARS[i % CHARS.length]!;
  const kind = c >= '\u0600' ? 'a bidirectional formatting character' : 'a control character';
  return {
    name: `U+${hex(c)} in ${call} ${field}`,
    call,
    input: (ids) => input(`a${c}b`, ids),
    message: new RegExp(`input at ${field.replace(/\./g, '\\.')}: contains ${kind} \\(U\\+${hex(c)}\\) at position 2`),
  };
});
// The record's key itself, and a custom provider's own text.
TEXT_CASES.push(
  { name: 'ESC in an attribute name', call: 'usage.record', input: use({ attrs: { 'fl\u001bow': 'x' } }), message: /input at attrs\.fl\\u001bow: the key contains a control character \(U\+001B\) at position 3/ },
  {
    name: 'RLO in a custom provider plan name',
    call: 'accounts.add',
    input: () => ({ provider: { ...presets.lux, plans: presets.lux!.plans.map((p, i) => (i === 0 ? { ...p, name: 'Pro\u202egnp.exe' } : p)) }, plan: 'free' }),
    message: /provider is invalid at plans\.0\.name: contains a bidirectional formatting character \(U\+202E\) at position 4/,
  },
  {
    name: 'C1 in a custom provider note',
    call: 'accounts.add',
    input: () => ({ provider: { ...presets.lux, notes: ['fine', 'x\u009b2J'] }, plan: 'free' }),
    message: /provider is invalid at notes\.1: contains a control character \(U\+009B\) at position 2/,
  },
  {
    name: 'RLO in a custom provider pack URL',
    call: 'accounts.add',
    input: () => ({ provider: { ...presets.lux, packs: presets.lux!.packs.map((p) => ({ ...p, url: 'https://pay.example.com/\u202eexe.pdf' })) }, plan: 'free' }),
    message: /provider is invalid at packs\.0\.url: contains a bidirectional formatting character \(U\+202E\) at position 25/,
  },
  { name: 'emoji and non-Latin text pass the text rule (only the unknown action is refused)', call: 'usage.record', input: use({ action: 'Café 東京 🚀' }), message: /unknown action "Café 東京 🚀"/ },
);

export const API_CASES: ApiCase[] = [
  // Quantities.
  { name: 'negative quantity', call: 'usage.record', input: use({ quantity: -1 }), message: /quantity must not be negative/ },
  { name: 'negative quantity as text', call: 'usage.record', input: use({ quantity: '-0.5' }), message: /quantity must not be negative/ },
  { name: 'NaN quantity', call: 'usage.record', input: use({ quantity: Number.NaN }), message: /quantity/ },
  { name: 'Infinity quantity', call: 'usage.record', input: use({ quantity: Number.POSITIVE_INFINITY }), message: /quantity/ },
  { name: '"Infinity" quantity', call: 'usage.record', input: use({ quantity: 'Infinity' }), message: /quantity must be a plain decimal/ },
  { name: '"1e308" quantity', call: 'usage.record', input: use({ quantity: '1e308' }), message: /quantity must be a plain decimal/ },
  { name: '1e308 quantity', call: 'usage.record', input: use({ quantity: 1e308 }), message: /too large/ },
  { name: 'quantity beyond the largest amount', call: 'usage.record', input: use({ quantity: '1000000000000001' }), message: /quantity is too large/ },
  { name: 'non-numeric quantity', call: 'usage.record', input: use({ quantity: 'ten' }), message: /quantity must be a plain decimal/ },
  { name: 'hex quantity', call: 'usage.record', input: use({ quantity: '0x10' }), message: /quantity must be a plain decimal/ },
  { name: 'decimal comma', call: 'usage.record', input: use({ quantity: '1,5' }), message: /quantity must be a plain decimal/ },
  { name: 'non-ASCII digits', call: 'usage.record', input: use({ quantity: '١٢' }), message: /quantity must be a plain decimal/ },
  { name: 'blank quantity', call: 'usage.record', input: use({ quantity: '   ' }), message: /quantity must be a plain decimal/ },
  { name: 'zero quantity', call: 'usage.record', input: use({ quantity: '0' }), message: /quantity must be greater than zero/ },
  { name: 'four decimals', call: 'usage.record', input: use({ quantity: 1.2345 }), message: /quantity has more than 3 decimal places/ },
  { name: 'object quantity', call: 'usage.record', input: use({ quantity: {} }), message: /input at quantity/ },
  { name: 'array quantity', call: 'usage.record', input: use({ quantity: [1] }), message: /input at quantity/ },
  { name: 'boolean quantity', call: 'usage.record', input: use({ quantity: true }), message: /input at quantity/ },
  // Unknown ids, SQL-looking strings.
  { name: 'unknown account', call: 'usage.record', input: () => ({ account: 'nope', action: 'email' }), message: /account "nope" was not found/ },
  { name: 'SQL in an account id', call: 'usage.record', input: () => ({ account: "lux'; DROP TABLE events; --", action: 'email' }), message: /account "lux'; DROP TABLE events; --" was not found/ },
  { name: 'unknown action', call: 'usage.record', input: use({ action: 'teleport' }), message: /unknown action "teleport"/ },
  { name: 'SQL in an action', call: 'usage.record', input: use({ action: "email' OR '1'='1" }), message: /unknown action "email' OR '1'='1"/ },
  { name: 'unknown member', call: 'usage.record', input: use({ member: 'mallory' }), message: /unknown member "mallory"/ },
  { name: 'SQL in a member', call: 'usage.record', input: use({ member: "a' UNION SELECT * FROM grants --" }), message: /unknown member/ },
  { name: 'unknown hold on a use', call: 'usage.record', input: use({ holdId: 'hold_nope' }), message: /hold hold_nope is not an open hold/ },
  // Dates.
  { name: 'Feb 30', call: 'usage.record', input: use({ at: '2026-02-30' }), message: /--at "2026-02-30" is not a real date/ },
  { name: 'month 13', call: 'usage.record', input: use({ at: '2026-13-01T00:00:00Z' }), message: /--at "2026-13-01T00:00:00Z" is not a real date/ },
  { name: 'hour 25', call: 'usage.record', input: use({ at: '2026-01-01T25:00:00Z' }), message: /is not a real date/ },
  { name: 'offset +25:00', call: 'usage.record', input: use({ at: '2026-01-01T00:00:00+25:00' }), message: /has an impossible UTC offset \+25:00/ },
  { name: '"yesterday"', call: 'usage.record', input: use({ at: 'yesterday' }), message: /--at must be an ISO 8601 time/ },
  { name: 'empty time', call: 'usage.record', input: use({ at: '' }), message: /--at must be an ISO 8601 time/ },
  { name: 'year 1999', call: 'usage.record', input: use({ at: '1999-12-31T00:00:00Z' }), message: /outside the years 2000–2200/ },
  { name: 'far future', call: 'usage.record', input: use({ at: '2199-01-01T00:00:00Z' }), message: /in the future/ },
  { name: 'before the account began', call: 'usage.record', input: use({ at: '2020-01-01T00:00:00Z' }), message: /before Lux's first period/ },
  { name: 'time as a number', call: 'usage.record', input: use({ at: 1700000000000 }), message: /input at at/ },
  // Attributes.
  { name: 'attribute of 201 characters', call: 'usage.record', input: use({ attrs: { flow: long(201) } }), message: /attribute flow must be 1–200 characters/ },
  { name: 'attribute of 100 kB', call: 'usage.record', input: use({ attrs: { flow: long(100_000) } }), message: /input at attrs.flow/ },
  { name: 'empty attribute', call: 'usage.record', input: use({ attrs: { flow: '' } }), message: /attribute flow must be 1–200 characters/ },
  { name: 'bell in an attribute', call: 'usage.record', input: use({ attrs: { flow: 'a\u0007b' } }), message: /input at attrs.flow: contains a control character \(U\+0007\) at position 2/ },
  { name: 'newline in an attribute', call: 'usage.record', input: use({ attrs: { flow: 'a\nb' } }), message: /input at attrs.flow: contains a control character \(U\+000A\) at position 2/ },
  { name: 'NUL in an attribute', call: 'usage.record', input: use({ attrs: { flow: 'a\u0000b' } }), message: /input at attrs.flow: contains a control character \(U\+0000\) at position 2/ },
  { name: 'DEL in an attribute', call: 'usage.record', input: use({ attrs: { flow: 'a\u007fb' } }), message: /input at attrs.flow: contains a control character \(U\+007F\) at position 2/ },
  { name: '17 attributes', call: 'usage.record', input: use({ attrs: many }), message: /at most 16 attributes/ },
  { name: 'attribute name starting with a digit', call: 'usage.record', input: use({ attrs: { '1flow': 'x' } }), message: /attribute name "1flow"/ },
  { name: 'SQL in an attribute name', call: 'usage.record', input: use({ attrs: { "flow') --": 'x' } }), message: /attribute name "flow'\) --"/ },
  { name: 'attributes as a list', call: 'usage.record', input: use({ attrs: ['a'] }), message: /input at attrs/ },
  { name: 'attribute as a number', call: 'usage.record', input: use({ attrs: { flow: 5 } }), message: /input at attrs.flow/ },
  // Keys and flags.
  { name: 'key with a space', call: 'usage.record', input: use({ key: 'has space' }), message: /--key must be 1–128 visible ASCII/ },
  { name: 'key of 129 characters', call: 'usage.record', input: use({ key: long(129) }), message: /--key must be 1–128 visible ASCII/ },
  { name: 'empty key', call: 'usage.record', input: use({ key: '' }), message: /--key must be 1–128 visible ASCII/ },
  { name: 'reused key, other content', call: 'usage.record', input: use({ quantity: 4, key: 'k1', attrs: { flow: 'welcome' } }), message: /idempotency key "k1" was already used/ },
  { name: 'byoKey as text', call: 'usage.record', input: use({ byoKey: 'yes' }), message: /input at byoKey/ },
  // Wrong types and missing fields.
  { name: 'no account', call: 'usage.record', input: () => ({ action: 'email' }), message: /input at account/ },
  { name: 'no action', call: 'usage.record', input: () => ({ account: 'lux' }), message: /input at action/ },
  { name: 'account as a number', call: 'usage.record', input: () => ({ account: 42, action: 'email' }), message: /input at account/ },
  { name: 'input null', call: 'usage.record', input: () => null, message: /input at account/ },
  { name: 'input a string', call: 'usage.record', input: () => 'lux email', message: /input at \(root\)/ },
  { name: 'input a list', call: 'usage.record', input: () => ['lux', 'email'], message: /input at \(root\)/ },
  // Grants and refunds.
  { name: 'zero grant', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 0 }), message: /amount must be greater than zero/ },
  { name: 'negative grant', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: -5 }), message: /amount must not be negative/ },
  { name: 'grant of "lots"', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 'lots' }), message: /amount must be a plain decimal/ },
  { name: 'grant without an amount', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits' }), message: /input at amount/ },
  { name: 'unknown pool', call: 'grants.add', input: () => ({ account: 'lux', pool: 'gold', amount: 5 }), message: /unknown pool "gold"/ },
  { name: 'unknown source', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 5, source: 'gift' }), message: /input at source/ },
  { name: 'price in dollars', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 5, source: 'purchase', priceCents: '9.99' }), message: /--price is in cents \(minor units\): 500 for \$5\.00 \(got 9\.99\)/ },
  { name: 'expiry in the past', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 5, expires: '2001-01-01T00:00:00Z' }), message: /--expires .* must be after the grant time/ },
  { name: 'expiry "never"', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 5, expires: 'never' }), message: /--expires must be an ISO 8601 time/ },
  { name: 'note of 501 characters', call: 'grants.add', input: () => ({ account: 'lux', pool: 'credits', amount: 5, note: long(501) }), message: /input at note/ },
  { name: 'refund of an unknown grant', call: 'grants.refund', input: () => ({ grant: 'gr_missing' }), message: /grant "gr_missing" was not found/ },
  { name: 'refund with a bad time', call: 'grants.refund', input: (ids) => ({ grant: ids.purchaseId, at: 'soon' }), message: /--at must be an ISO 8601 time/ },
  // Holds and voids.
  { name: '"Infinity" hold', call: 'holds.place', input: () => ({ account: 'lux', pool: 'credits', amount: 'Infinity' }), message: /amount must be a plain decimal/ },
  { name: 'hold expiring in the past', call: 'holds.place', input: () => ({ account: 'lux', pool: 'credits', amount: 1, expires: '2001-01-01T00:00:00Z' }), message: /--expires .* must be after/ },
  { name: 'hold on an unknown pool', call: 'holds.place', input: () => ({ account: 'lux', pool: 'gold', amount: 1 }), message: /unknown pool "gold"/ },
  { name: 'capture on an unknown hold', call: 'holds.capture', input: () => ({ hold: 'hold_nope', action: 'email' }), message: /hold "hold_nope" was not found/ },
  { name: 'capture with an unknown action', call: 'holds.capture', input: (ids) => ({ hold: ids.holdId, action: 'teleport' }), message: /unknown action "teleport"/ },
  { name: 'release an unknown hold', call: 'holds.release', input: () => ({ hold: 'hold_nope' }), message: /hold "hold_nope" was not found/ },
  { name: 'void an unknown event', call: 'events.void', input: () => ({ event: 'ev_zzzz' }), message: /event "ev_zzzz" was not found/ },
  { name: 'void an alias of an event id', call: 'events.void', input: (ids) => ({ event: ids.eventId.replace('ev_', 'ev_0') }), message: /was not found/ },
  { name: 'void with a reason of 501 characters', call: 'events.void', input: (ids) => ({ event: ids.eventId, reason: long(501) }), message: /input at reason/ },
  // Accounts and settings.
  { name: 'zone Mars/Base', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', tz: 'Mars/Base' }), message: /"Mars\/Base" is not a valid IANA time zone/ },
  { name: 'zone with a space', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', tz: 'America/New York' }), message: /is not a valid IANA time zone/ },
  { name: 'zone with SQL', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', tz: "UTC'; --" }), message: /is not a valid IANA time zone/ },
  { name: 'offset as a zone', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', tz: '+25:00' }), message: /is not a valid IANA time zone/ },
  { name: 'anchor Feb 30', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', anchor: '2026-02-30' }), message: /--anchor "2026-02-30" is not a real calendar date/ },
  { name: 'anchor not a date', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', anchor: 'last tuesday' }), message: /--anchor must be a date like/ },
  { name: 'unknown preset', call: 'accounts.add', input: () => ({ preset: 'acme', plan: 'free' }), message: /unknown preset "acme"/ },
  { name: 'unknown plan', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'platinum' }), message: /unknown plan "platinum"/ },
  { name: 'no plan', call: 'accounts.add', input: () => ({ preset: 'lux' }), message: /input at plan/ },
  { name: 'control characters in a name', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', name: 'evil\u001b[31mname' }), message: /input at name: contains a control character \(U\+001B\) at position 5/ },
  { name: 'name of 201 characters', call: 'accounts.add', input: () => ({ preset: 'lux', plan: 'free', name: long(201) }), message: /input at name/ },
  { name: 'change to an unknown plan', call: 'accounts.plan', input: () => ({ account: 'lux', plan: 'nope' }), message: /unknown plan "nope"/ },
  { name: 'change to the same plan', call: 'accounts.plan', input: () => ({ account: 'lux', plan: 'free' }), message: /already on Free/ },
  { name: 'thresholds out of range', call: 'accounts.set', input: () => ({ account: 'lux', thresholds: [0, 150] }), message: /--thresholds must be/ },
  { name: 'monthly limit "NaN"', call: 'accounts.set', input: () => ({ account: 'lux', monthlyLimit: 'NaN' }), message: /--monthly-limit must be a plain decimal/ },
  { name: 'member id with a space', call: 'members.add', input: () => ({ account: 'lux', member: 'bad id!' }), message: /member ids use letters/ },
  { name: 'negative daily limit', call: 'limits.daily', input: () => ({ account: 'lux', attr: 'server', value: '*', limit: -1 }), message: /--daily must not be negative/ },
  { name: 'cost "free"', call: 'actions.set', input: () => ({ account: 'lux', action: 'email', cost: 'free' }), message: /--cost must be a plain decimal/ },
  { name: 'per 0', call: 'actions.set', input: () => ({ account: 'lux', action: 'email', per: 0 }), message: /--per must be greater than zero/ },
  // Reads with bad arguments.
  { name: 'balance at "yesterday"', call: 'balance.get', input: () => ({ account: 'lux', at: 'yesterday' }), message: /--at must be an ISO 8601 time/ },
  { name: 'report by hour', call: 'reports.usage', input: () => ({ account: 'lux', by: ['hour'] }), message: /--by "hour" is not a grouping/ },
  { name: 'events with a text limit', call: 'events.list', input: () => ({ account: 'lux', limit: 'all' }), message: /input at limit/ },
  // Terminal and bidi control characters in every kind of free text (main/core/util/text.ts): the field, the code point and where.
  ...TEXT_CASES,
  // Calls a remote caller may not make.
  { name: 'unknown call', call: 'ledger.drop', input: () => ({}), message: /unknown API call "ledger.drop"/ },
  { name: 'import over the wire', call: 'import', input: () => ({ text: '{"action":"email"}', format: 'jsonl', account: 'lux' }), message: /only available from the creditdeck command line/ },
  { name: 'export over the wire', call: 'data.export', input: () => ({ path: '/tmp/x.jsonl' }), message: /only available from the creditdeck command line/ },
  { name: 'a provider file', call: 'accounts.add', input: () => ({ providerFile: '/etc/passwd', plan: 'x' }), message: /providerFile reads a file on this machine/ },
  { name: 'a backup path', call: 'data.backup', input: () => ({ path: '/tmp/elsewhere.sqlite' }), message: /path reads a file on this machine/ },
];
