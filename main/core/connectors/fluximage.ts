/**
 * Fluximage's documented usage endpoint: `GET https://fluximage.app/api/usage`
 * with `Authorization: Bearer flx_live_…` (docs/vendors.md). Only that host is
 * ever contacted; CREDITDECK_FLUXIMAGE_API may point at a local fake for tests,
 * and only on loopback with a test key, so a live key never goes anywhere
 * else. The HTTP client is injected (Node's fetch by default); the key is
 * never put in a message.
 */
import * as z from 'zod';
import { InputError } from '../util/errors.js';
import { plainText } from '../util/text.js';

export const FLUXIMAGE_API = 'https://fluximage.app';
export const FLUXIMAGE_KEY = /^flx_(live|test)_[A-Za-z0-9_-]{8,200}$/;
export const MAX_ANSWER_BYTES = 64 * 1024;

export type Fetch = (url: string, init: { method: 'GET'; headers: Record<string, string>; signal: AbortSignal; redirect: 'manual' }) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}>;

/** A non-negative count; the vendor's unlimited compression limit may come as null, -1 or "unlimited". */
const count = z.number().int().min(0).max(1e12);
const limit = z.union([count, z.null(), z.literal(-1), z.literal('unlimited')]).transform((v) => (v === null || v === -1 || v === 'unlimited' ? null : v));

export const fluximageUsageSchema = z.object({
  // Kept beside the reading: plain text only, as every text in the ledger (util/text.ts), so an export of it restores.
  plan: plainText().min(1).max(64),
  compressor_used: count,
  compressor_limit: limit,
  ia_credits_used: count,
  ia_credits_monthly: count,
  ia_topup_credits: count,
  ia_credits_remaining: count,
  canCompress: z.boolean(),
  canUseIA: z.boolean(),
});
export type VendorUsage = z.infer<typeof fluximageUsageSchema>;

export type FetchFailure = {
  ok: false;
  status: 'offline' | 'unauthorized' | 'rate_limited' | 'server_error' | 'timeout' | 'malformed';
  message: string;
  /** Retry-After, in ms, when the vendor sent one. */
  retryAfterMs?: number;
};
export type FetchOutcome = { ok: true; usage: VendorUsage } | FetchFailure;

export function checkFluximageKey(key: unknown): string | null {
  return typeof key === 'string' && FLUXIMAGE_KEY.test(key.trim()) ? null : 'the Fluximage API key must look like flx_live_… (Dashboard → API keys; the usage API needs the Agency plan)';
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;

/** The base URL to call: Fluximage's, or an override that is loopback-only and test-key-only. */
export function fluximageBase(override: string | undefined, key: string): string {
  if (!override) return FLUXIMAGE_API;
  let u: URL;
  try {
    u = new URL(override);
  } catch {
    throw new InputError('CREDITDECK_FLUXIMAGE_API must be a URL', 'CREDITDECK_FLUXIMAGE_API');
  }
  if (!LOOPBACK.test(u.hostname) || !/^https?:$/.test(u.protocol)) throw new InputError(`CREDITDECK_FLUXIMAGE_API may only point at this machine (a local fake for tests), not ${u.host}`, 'CREDITDECK_FLUXIMAGE_API');
  if (!key.startsWith('flx_test_')) throw new InputError('CREDITDECK_FLUXIMAGE_API is for tests: it takes a flx_test_ key only, so a live key never leaves for another host', 'CREDITDECK_FLUXIMAGE_API');
  return u.origin;
}

/** Retry-After as seconds or an HTTP date, in ms from `now`. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  if (/^\d{1,7}$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** One GET of the usage endpoint; never throws, never follows a redirect (which could lead the key elsewhere). */
export async function fetchFluximageUsage(o: { base: string; key: string; fetch: Fetch; timeoutMs: number; now: () => number }): Promise<FetchOutcome> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), o.timeoutMs);
  try {
    const res = await o.fetch(`${o.base}/api/usage`, { method: 'GET', headers: { Authorization: `Bearer ${o.key}`, Accept: 'application/json' }, signal: ctl.signal, redirect: 'manual' });
    if (res.status === 401 || res.status === 403) return { ok: false, status: 'unauthorized', message: `Fluximage refused the API key (HTTP ${res.status}): check it, and that the account is on the Agency plan` };
    if (res.status === 429) {
      const wait = retryAfterMs(res.headers.get('retry-after'), o.now());
      return { ok: false, status: 'rate_limited', message: `Fluximage is rate-limiting (HTTP 429)${wait === undefined ? '' : `; it asks to wait ${Math.ceil(wait / 1000)} s`}`, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
    }
    if (res.status >= 500) return { ok: false, status: 'server_error', message: `Fluximage answered HTTP ${res.status}` };
    if (res.status !== 200) return { ok: false, status: 'malformed', message: `Fluximage answered HTTP ${res.status}, not the usage document` };
    // The documented answer is a few hundred bytes: anything much larger is not it, and is not read whole.
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_ANSWER_BYTES) return { ok: false, status: 'malformed', message: `Fluximage answered ${declared} bytes, far more than the usage document` };
    const text = await res.text();
    if (text.length > MAX_ANSWER_BYTES) return { ok: false, status: 'malformed', message: `Fluximage answered ${text.length} characters, far more than the usage document` };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, status: 'malformed', message: 'Fluximage answered something that is not JSON' };
    }
    const parsed = fluximageUsageSchema.safeParse(body);
    if (!parsed.success) {
      const first = parsed.error.issues[0]!;
      return { ok: false, status: 'malformed', message: `Fluximage's answer is not the documented usage shape (${first.path.join('.') || 'the document'}: ${first.message})` };
    }
    return { ok: true, usage: parsed.data };
  } catch (e) {
    if (ctl.signal.aborted) return { ok: false, status: 'timeout', message: `Fluximage did not answer within ${Math.round(o.timeoutMs / 1000)} s` };
    const code = (e as { cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code;
    return { ok: false, status: 'offline', message: `Fluximage could not be reached${code ? ` (${code})` : ''}` };
  } finally {
    clearTimeout(timer);
  }
}
