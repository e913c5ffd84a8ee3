/** One write from a Team section: busy while it runs, its failure shown until the next. */
import { useState } from 'react';
import type { ApiError, HandlerInput, HandlerName, HandlerOutput } from '../../api';
import { mutate } from '../../store/query';

export function useWrite() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async <N extends HandlerName>(name: N, input: HandlerInput<N>): Promise<HandlerOutput<N> | null> => {
    setBusy(true);
    setError(null);
    const env = await mutate(name, input);
    setBusy(false);
    if (!env.ok) setError(env.error);
    return env.ok ? env.result : null;
  };
  return { busy, error, run };
}
