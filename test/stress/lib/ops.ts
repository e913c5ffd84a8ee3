/** The work a concurrency writer is given, and the acknowledgements it hands back. */

export type Op =
  | { kind: 'use'; account: string; key: string; action: string; quantity: string }
  | { kind: 'hold'; ref: number; account: string; pool: string; amount: string; key: string }
  | { kind: 'capture'; ref: number; account: string; key: string; action: string; quantity: string }
  | { kind: 'release'; ref: number };

export type AckStatus = 'applied' | 'duplicate' | 'refused' | 'placed' | 'released' | 'skipped' | 'invalid' | 'error';

export interface Ack {
  who: string;
  kind: Op['kind'] | 'import';
  status: AckStatus;
  account?: string;
  key?: string;
  ref?: number;
  eventId?: string;
  /** For a duplicate: the first attempt's status. */
  originalStatus?: string;
  credits?: number;
  holdId?: string;
  reason?: string;
  message?: string;
  /** A capture whose hold was refused runs as plain usage. */
  unheld?: boolean;
  /** Import batches: the keys of the batch and the ledger's counts. */
  keys?: string[];
  applied?: number;
  duplicates?: number;
}

export interface WriterJob {
  file: string;
  who: string;
  ops: Op[];
  acks: string;
}
