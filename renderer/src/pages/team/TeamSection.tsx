/** The frame every Team page section shares: a card with its title and one line of help, the last write's failure, then its table once loaded. */
import type { ReactNode } from 'react';
import type { ApiError } from '../../api';
import { ErrorNotice, Skeleton } from '../../components/ui';

export function TeamSection({ id, title, help, writeError, children }: { id: string; title: string; help: string; writeError: ApiError | null; children: ReactNode }) {
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-head">
        <div>
          <h2 id={id}>{title}</h2>
          <p>{help}</p>
        </div>
      </div>
      {writeError ? <ErrorNotice error={writeError} /> : null}
      {children}
    </section>
  );
}

/** A section's table: a skeleton while loading, the load's failure, a line when there are no rows, else one row each. */
export function TeamTable<T>(props: {
  label: string;
  rows: T[] | undefined;
  loadError: ApiError | null | undefined;
  skeleton: number;
  empty?: string;
  spaced?: boolean;
  head: ReactNode;
  row: (item: T) => ReactNode;
}) {
  const style = props.spaced ? { marginTop: 12 } : undefined;
  if (!props.rows) return props.loadError ? <ErrorNotice error={props.loadError} /> : <Skeleton height={props.skeleton} />;
  if (props.rows.length === 0 && props.empty !== undefined) {
    return (
      <p className="faint small" style={style}>
        {props.empty}
      </p>
    );
  }
  return (
    <div className="table-wrap" style={style}>
      <table aria-label={props.label} className="team-table">
        <thead>
          <tr>{props.head}</tr>
        </thead>
        <tbody>{props.rows.map(props.row)}</tbody>
      </table>
    </div>
  );
}
