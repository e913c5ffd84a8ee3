/** Several answers of one call at once (one per account), for views that span accounts. */
import { useEffect } from 'react';
import type { ApiError, HandlerInput, HandlerName, HandlerOutput } from '../api';
import { keyOf, useQueryStore } from './query';

/** Like useApi for a list of inputs; fetches what is missing or stale, shares the cache with useApi. */
export function useApiMany<N extends HandlerName>(name: N, inputs: HandlerInput<N>[]): { data: HandlerOutput<N> | undefined; error: ApiError | undefined }[] {
  const entries = useQueryStore((s) => s.entries);
  const generation = useQueryStore((s) => s.generation);
  const keys = inputs.map((i) => keyOf(name, i));
  const joined = keys.join('\n');
  useEffect(() => {
    const store = useQueryStore.getState();
    inputs.forEach((input, n) => {
      const e = store.entries[keys[n]!];
      if (!e?.inflight && (e?.gen ?? 0) !== generation) void store.fetch(name, input);
    });
  }, [joined, generation, name]); // `joined` stands for `inputs`
  return keys.map((k) => ({ data: entries[k]?.data as HandlerOutput<N> | undefined, error: entries[k]?.error }));
}
