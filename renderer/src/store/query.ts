/**
 * A small cache of API answers in a zustand store. Pages read through
 * `useApi(name, input)`; a write (`mutate`) marks every ledger answer stale,
 * and the answers on screen refetch while the old ones stay visible (no
 * flashing back to a spinner). Preset data and plan sizing never change while
 * the app runs, so they are fetched once.
 */
import { useEffect } from 'react';
import { create } from 'zustand';
import { request, requestMany, type ApiError, type Envelope, type HandlerInput, type HandlerName, type HandlerOutput } from '../api';

interface Entry {
  data?: unknown;
  error?: ApiError;
  /** The generation the answer belongs to. */
  gen: number;
  inflight: boolean;
}

interface QueryState {
  entries: Record<string, Entry>;
  /** Bumped by every write: answers of an older generation are stale. */
  generation: number;
  /** When the ledger data was last invalidated or refreshed. */
  refreshedAt: number;
  fetch: (name: HandlerName, input: unknown) => Promise<void>;
  invalidate: () => void;
}

const STATIC: ReadonlySet<HandlerName> = new Set<HandlerName>(['presets.list', 'presets.show', 'calc']);

export const keyOf = (name: string, input: unknown): string => `${name} ${JSON.stringify(input ?? {})}`;

/** Reads asked for by one commit's effects, not sent yet. */
let queued: { name: HandlerName; input: unknown; answer: (env: Envelope<unknown>) => void }[] = [];

/**
 * A read, sent with the others asked for in the same turn (a page's first
 * draw asks for all of its figures at once): one request over HTTP, and the
 * answers land together, so the page draws once for them.
 */
function sendWithOthers(name: HandlerName, input: unknown): Promise<Envelope<unknown>> {
  return new Promise((answer) => {
    queued.push({ name, input, answer });
    if (queued.length > 1) return;
    queueMicrotask(() => {
      const batch = queued;
      queued = [];
      void requestMany(batch.map((q) => ({ name: q.name, input: q.input })))
        // Every asker is answered, so none is left marked as on its way.
        .catch((e: unknown): Envelope<unknown>[] => batch.map(() => ({ ok: false, error: { code: 'error', message: `the calls could not be sent: ${(e as Error).message}` } })))
        .then((envs) => envs.forEach((env, i) => batch[i]!.answer(env)));
    });
  });
}

export const useQueryStore = create<QueryState>()((set, get) => ({
  entries: {},
  generation: 1,
  refreshedAt: Date.now(),
  async fetch(name, input) {
    const key = keyOf(name, input);
    // Two components asking for the same answer in one commit share one request.
    if (get().entries[key]?.inflight) return;
    const gen = get().generation;
    set((s) => ({ entries: { ...s.entries, [key]: { ...(s.entries[key] ?? { gen: 0 }), inflight: true } } }));
    const env = await sendWithOthers(name, input);
    set((s) => {
      const prev = s.entries[key];
      const next: Entry = env.ok ? { data: env.result, gen, inflight: false } : { data: prev?.data, error: env.error, gen, inflight: false };
      return { entries: { ...s.entries, [key]: next } };
    });
  },
  invalidate() {
    set((s) => ({ generation: s.generation + 1, refreshedAt: Date.now() }));
  },
}));

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | undefined;
  /** True only before the first answer: a refetch keeps showing the last one. */
  loading: boolean;
  refreshing: boolean;
}

/** Read one API answer, fetching it when missing or stale. `null` input: nothing to fetch yet. */
export function useApi<N extends HandlerName>(name: N, input: HandlerInput<N> | null): ApiState<HandlerOutput<N>> {
  const key = input === null ? null : keyOf(name, input);
  const entry = useQueryStore((s) => (key === null ? undefined : s.entries[key]));
  const generation = useQueryStore((s) => s.generation);
  const inflight = entry?.inflight ?? false;
  const entryGen = entry?.gen ?? 0;
  useEffect(() => {
    if (key === null || input === null || inflight) return;
    const fresh = entryGen === generation || (STATIC.has(name) && entryGen > 0);
    if (!fresh) void useQueryStore.getState().fetch(name, input);
  }, [key, generation, inflight, entryGen, name]); // `key` stands for `input`
  return {
    data: entry?.data as HandlerOutput<N> | undefined,
    error: entry?.error,
    loading: key !== null && entry?.data === undefined && entry?.error === undefined,
    refreshing: inflight,
  };
}

/** Run a write; afterwards every ledger answer on screen refetches (a refusal is recorded too, so it also counts). */
export async function mutate<N extends HandlerName>(name: N, input: HandlerInput<N>): Promise<Envelope<HandlerOutput<N>>> {
  const env = await request(name, input);
  if (env.ok || env.error.code === 'refused') useQueryStore.getState().invalidate();
  return env;
}

/** Refresh everything on screen (another process — the CLI, another window — may have written). */
export function refreshAll(): void {
  useQueryStore.getState().invalidate();
}
