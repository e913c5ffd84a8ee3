/**
 * The one typed client for the ledger API. In the desktop app the preload
 * bridge (`window.creditdeck.call`) carries the call over IPC; in a browser it
 * is `POST /api/<handler name>` to the web host. Both answer with the same
 * envelope, so the rest of the renderer never knows which one it used.
 *
 * Types only come from main/core: the renderer bundle never contains ledger
 * code (it could not run SQLite in a browser anyway).
 */
import type { HandlerInput, HandlerName, HandlerOutput } from '../../main/core/api/handlers';

export type { HandlerInput, HandlerName, HandlerOutput };

export type ApiError =
  | { code: 'invalid_input'; message: string; field?: string | null }
  | { code: 'refused'; reason: string; message: string; details?: Record<string, unknown> }
  | { code: 'error'; message: string };

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ApiError };

export interface CreditdeckBridge {
  call(name: string, input: unknown): Promise<unknown>;
}

declare global {
  interface Window {
    creditdeck?: CreditdeckBridge;
  }
}

/**
 * True in the desktop window (the preload put `window.creditdeck` there),
 * false in a browser served by the web host. Only for what the page offers
 * (the Stripe key form is desktop-only); the main process decides what runs.
 */
export function isDesktopApp(): boolean {
  return typeof window !== 'undefined' && window.creditdeck !== undefined;
}

/** The team host's CSRF token for this browser session (store/session.ts sets it); sent on every POST. */
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => {};

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the team host answers 401 (the session ended): the app shows the sign-in screen. */
export function setOnUnauthorized(fn: () => void): void {
  onUnauthorized = fn;
}

/** A failed call, thrown by `call`; `request` returns the envelope instead. */
export class ApiFailure extends Error {
  constructor(
    readonly error: ApiError,
    readonly handler: string,
  ) {
    super(error.message);
    this.name = 'ApiFailure';
  }
}

function isEnvelope(x: unknown): x is Envelope<unknown> {
  if (typeof x !== 'object' || x === null || !('ok' in x)) return false;
  const e = x as { ok: unknown; error?: unknown };
  if (e.ok === true) return 'result' in x;
  return e.ok === false && typeof e.error === 'object' && e.error !== null && typeof (e.error as { message?: unknown }).message === 'string';
}

async function transport(name: string, input: unknown): Promise<Envelope<unknown>> {
  const bridge = typeof window !== 'undefined' ? window.creditdeck : undefined;
  if (bridge) {
    try {
      const out = await bridge.call(name, input);
      if (isEnvelope(out)) return out;
      return { ok: false, error: { code: 'error', message: `the app answered ${name} with something that is not an API envelope` } };
    } catch (e) {
      return { ok: false, error: { code: 'error', message: `the app could not run ${name}: ${(e as Error).message}` } };
    }
  }
  let res: Response;
  try {
    res = await fetch(`/api/${encodeURIComponent(name)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
      body: JSON.stringify(input ?? {}),
    });
  } catch (e) {
    return { ok: false, error: { code: 'error', message: `Creditdeck's ledger service is not reachable (${(e as Error).message}). Is the web host running?` } };
  }
  if (res.status === 401) onUnauthorized();
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, error: { code: 'error', message: `the ledger service answered ${name} with HTTP ${res.status} and no JSON` } };
  }
  if (isEnvelope(body)) return body;
  return { ok: false, error: { code: 'error', message: `the ledger service answered ${name} with HTTP ${res.status} and an unexpected body` } };
}

/** The most calls the web host takes in one batch (main/web/batch.ts). */
const MAX_BATCH = 32;

/**
 * Several calls at once, answered in order. Over HTTP they travel as one
 * `POST /api/batch` (a browser holds at most six connections to a host, so a
 * page's eight reads queued for one); the host runs each as if sent alone.
 * The desktop app's bridge has no such limit: there each call goes its way.
 */
export async function requestMany(calls: { name: HandlerName; input: unknown }[]): Promise<Envelope<unknown>[]> {
  const bridge = typeof window !== 'undefined' ? window.creditdeck : undefined;
  if (bridge || calls.length === 1) return Promise.all(calls.map((c) => transport(c.name, c.input)));
  if (calls.length > MAX_BATCH) {
    const parts = await Promise.all([requestMany(calls.slice(0, MAX_BATCH)), requestMany(calls.slice(MAX_BATCH))]);
    return parts.flat();
  }
  const env = await transport('batch', { calls: calls.map((c) => ({ name: c.name, input: c.input ?? {} })) });
  if (!env.ok) return calls.map(() => env);
  const out = env.result;
  if (!Array.isArray(out) || out.length !== calls.length || !out.every(isEnvelope)) {
    const broken: Envelope<unknown> = { ok: false, error: { code: 'error', message: 'the ledger service answered a batch of calls with something that is not one envelope per call' } };
    return calls.map(() => broken);
  }
  return out;
}

/** Call the API and get the envelope back: refusals and bad input are answers, not exceptions. */
export async function request<N extends HandlerName>(name: N, input: HandlerInput<N>): Promise<Envelope<HandlerOutput<N>>> {
  return (await transport(name, input)) as Envelope<HandlerOutput<N>>;
}

/** Call the API; a failure throws ApiFailure. */
export async function call<N extends HandlerName>(name: N, input: HandlerInput<N>): Promise<HandlerOutput<N>> {
  const env = await request(name, input);
  if (!env.ok) throw new ApiFailure(env.error, name);
  return env.result;
}

// Shapes the pages use, named once.
export type AccountView = HandlerOutput<'accounts.list'>[number];
export type AccountDetail = HandlerOutput<'accounts.show'>;
export type Balance = HandlerOutput<'balance.get'>;
export type PoolBalance = Balance['pools'][number];
export type Forecast = HandlerOutput<'reports.forecast'>;
export type PoolForecast = Forecast['pools'][number];
export type ActionView = HandlerOutput<'actions.list'>[number];
export type Refusal = HandlerOutput<'refusals.list'>[number];
export type Alert = HandlerOutput<'alerts.list'>[number];
export type UseResult = HandlerOutput<'usage.record'>;
export type Report = HandlerOutput<'reports.usage'>;
export type ReportRow = Report['rows'][number];
export type EventPage = HandlerOutput<'events.list'>;
export type EventView = EventPage['events'][number];
export type PresetSummary = HandlerOutput<'presets.list'>[number];
export type Provider = HandlerOutput<'presets.show'>;
export type CalcResult = HandlerOutput<'calc'>;
export type Member = HandlerOutput<'members.list'>[number];
export type PackView = HandlerOutput<'purchases.packs'>[number];
export type PurchaseView = HandlerOutput<'purchases.get'>;
export type StartResult = HandlerOutput<'purchases.start'>;
export type RefundView = HandlerOutput<'purchases.refund'>;
export type Money = PurchaseView['price'];
export type PaymentsStatus = HandlerOutput<'payments.status'>;
