/** What the Settings forms share: one write with its status, a titled section, and labels. */
import { useState, type ReactNode } from 'react';
import type { ApiError, Envelope, HandlerInput, HandlerName, HandlerOutput } from '../../api';
import { ErrorNotice } from '../../components/ui';
import { mutate } from '../../store/query';

/** One write from a form: busy while it runs, then its error or a short confirmation. */
export function useWrite<N extends HandlerName>(name: N) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (input: HandlerInput<N>, message: (r: HandlerOutput<N>) => string): Promise<Envelope<HandlerOutput<N>>> => {
    setBusy(true);
    setError(null);
    setDone(null);
    const env = await mutate(name, input);
    setBusy(false);
    if (env.ok) setDone(message(env.result));
    else setError(env.error);
    return env;
  };
  const status = (zone?: string): ReactNode =>
    error ? (
      <ErrorNotice error={error} zone={zone} />
    ) : done ? (
      <div className="notice ok" role="status">
        <span>{done}</span>
      </div>
    ) : null;
  return { run, busy, status, clear: () => (setError(null), setDone(null)) };
}

export const blankToNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

export const monthlyLabel = (pool: string) => (pool === 'credits' ? 'Monthly credits' : `Monthly ${pool} credits`);

export function Section({ title, subtitle, children }: { title: string; subtitle?: string; children: ReactNode }) {
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <div>
          <h2>{title}</h2>
          {subtitle ? <p style={{ marginTop: 4 }}>{subtitle}</p> : null}
        </div>
      </div>
      {children}
    </section>
  );
}
