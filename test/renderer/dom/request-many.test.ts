/**
 * The renderer's requestMany over HTTP (fetch stubbed): one call goes to its
 * own name, several go as one /api/batch, answers come back in order, and a
 * batch that fails as a whole fails every call in it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestMany, setOnUnauthorized } from '../../../renderer/src/api';

let sent: { url: string; body: unknown }[] = [];
let reply: (url: string, body: unknown) => { status: number; json: unknown } = () => ({ status: 200, json: { ok: true, result: null } });

beforeEach(() => {
  sent = [];
  vi.stubGlobal('fetch', async (url: string, init: { body: string }) => {
    const body = JSON.parse(init.body) as unknown;
    sent.push({ url, body });
    const r = reply(url, body);
    return { status: r.status, json: async () => r.json };
  });
});
afterEach(() => {
  vi.unstubAllGlobals();
  setOnUnauthorized(() => {});
});

/** A host that answers each call of a batch with its own name and input. */
const echo = (url: string, body: unknown) => {
  if (url !== '/api/batch') return { status: 200, json: { ok: true, result: { alone: url } } };
  const calls = (body as { calls: { name: string; input: unknown }[] }).calls;
  return { status: 200, json: { ok: true, result: calls.map((c) => ({ ok: true, result: c })) } };
};

describe('requestMany over HTTP', () => {
  it('sends one call to its own name', async () => {
    reply = echo;
    expect(await requestMany([{ name: 'accounts.list', input: {} }])).toEqual([{ ok: true, result: { alone: '/api/accounts.list' } }]);
    expect(sent.map((s) => s.url)).toEqual(['/api/accounts.list']);
  });

  it('sends several as one batch and hands each its own answer, in order', async () => {
    reply = echo;
    const calls = [
      { name: 'balance.get' as const, input: { account: 'a' } },
      { name: 'reports.usage' as const, input: { account: 'a', by: ['day'] } },
      { name: 'accounts.list' as const, input: undefined },
    ];
    const out = await requestMany(calls);
    expect(sent.map((s) => s.url)).toEqual(['/api/batch']);
    expect(sent[0]!.body).toEqual({ calls: [calls[0], calls[1], { name: 'accounts.list', input: {} }] });
    expect(out).toEqual([
      { ok: true, result: calls[0] },
      { ok: true, result: calls[1] },
      { ok: true, result: { name: 'accounts.list', input: {} } },
    ]);
  });

  it('splits more calls than a batch holds into batches of 32', async () => {
    reply = echo;
    const calls = Array.from({ length: 40 }, (_, i) => ({ name: 'balance.get' as const, input: { account: `a${i}` } }));
    const out = await requestMany(calls);
    expect(sent.map((s) => (s.body as { calls: unknown[] }).calls.length)).toEqual([32, 8]);
    expect(out.map((e) => (e.ok ? (e.result as { input: { account: string } }).input.account : null))).toEqual(calls.map((c) => c.input.account));
  });

  it('a batch the host refuses as a whole (401) fails every call with its answer, and says the session ended', async () => {
    const env = { ok: false, error: { code: 'unauthorized', message: 'sign in again' } };
    reply = () => ({ status: 401, json: env });
    let ended = 0;
    setOnUnauthorized(() => ended++);
    const out = await requestMany([
      { name: 'balance.get', input: {} },
      { name: 'accounts.list', input: {} },
    ]);
    expect(out).toEqual([env, env]);
    expect(ended).toBe(1);
  });

  it('an answer that is not one envelope per call is an error for each call, never a wrong answer', async () => {
    reply = () => ({ status: 200, json: { ok: true, result: [{ ok: true, result: 1 }] } });
    const out = await requestMany([
      { name: 'balance.get', input: {} },
      { name: 'accounts.list', input: {} },
    ]);
    expect(out.map((e) => (e.ok ? 'ok' : e.error.code))).toEqual(['error', 'error']);
  });
});
