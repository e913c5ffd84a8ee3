/**
 * Importing usage events from JSONL or CSV, all or nothing: every line is
 * validated and applied inside one transaction; the first bad or refused line
 * rolls the whole file back and is named in the error. Re-importing a file
 * whose lines carry keys is safe: those events come back as duplicates.
 *
 * CSV columns: account, action, quantity, at, key, member, byo_key and
 * attr.NAME (one column per attribute). JSONL objects use the same names,
 * with attrs as an object.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { InputError, RefusedError } from '../util/errors.js';
import { parseInstant, parseUtcInstant } from '../util/period.js';
import { checkPlainText, escapeText } from '../util/text.js';
import type { Ctx } from './context.js';
import { ROWS_PER_INSERT, UsageBatch } from './usage-batch.js';
import type { UseInput } from './usage.js';

export interface ImportResult {
  lines: number;
  applied: number;
  free: number;
  bypassed: number;
  covered: number;
  duplicate: number;
  credits: number;
}

export const MAX_IMPORT_BYTES = 512 * 1024 * 1024;

type Row = Record<string, unknown>;

/** The file's lines with content, numbered, as the import reaches them. */
interface Lines {
  total: number;
  each(fn: (line: number, raw: string | Row) => void): void;
}

/** Whether text[start, end) has more than white space (what raw.trim() keeps), without cutting it out when its first character says so. */
function hasContent(text: string, start: number, end: number): boolean {
  if (start === end) return false;
  const c = text.charCodeAt(start);
  if (c > 32 && c < 127) return true;
  return text.slice(start, end).trim() !== '';
}

/**
 * JSONL, found in place: each line's text is cut out as the import reaches it
 * and dropped after, rather than a million strings and records held for the
 * whole import (half its memory, and collector time). split('\n') semantics:
 * a trailing '\r' is trimmed.
 */
function jsonLines(text: string): Lines {
  let total = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    if (hasContent(text, start, end)) total += 1;
    start = end + 1;
  }
  return {
    total,
    each(fn) {
      let line = 0;
      for (let start = 0; start <= text.length; ) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        line += 1;
        if (hasContent(text, start, end)) fn(line, text.slice(start, end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end));
        start = end + 1;
      }
    },
  };
}

function csvLines(text: string): Lines {
  let records: Row[];
  try {
    records = parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as Row[];
  } catch (e) {
    throw new InputError(`CSV could not be read: ${(e as Error).message}; nothing was imported`, 'file');
  }
  return {
    total: records.length,
    each(fn) {
      for (let i = 0; i < records.length; i++) fn(i + 2, records[i]!);
    },
  };
}

function rowOf(raw: string | Row, line: number): Row {
  if (typeof raw !== 'string') return raw;
  let row: unknown;
  try {
    row = JSON.parse(raw);
  } catch (e) {
    throw new InputError(`line ${line}: not valid JSON (${(e as Error).message}); nothing was imported`, 'file');
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new InputError(`line ${line}: each line must be a JSON object; nothing was imported`, 'file');
  return row as Row;
}

const KNOWN = new Set(['account', 'action', 'quantity', 'at', 'key', 'member', 'attrs', 'byo_key', 'byoKey']);

/** A text field of the line: plain text, undefined when empty. */
function field(row: Row, k: string, line: number): string | undefined {
  const v = row[k];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'string') return checkPlainText(v, k);
  if (typeof v !== 'number') throw new InputError(`line ${line}: ${k} must be text or a number`, k);
  return checkPlainText(String(v), k);
}

function toInput(batch: UsageBatch, row: Row, fallbackAccount: string | undefined, line: number): UseInput {
  const account = field(row, 'account', line) ?? fallbackAccount;
  if (!account) throw new InputError(`line ${line}: no account (add an account column or pass --account)`, 'account');
  const action = field(row, 'action', line);
  if (!action) throw new InputError(`line ${line}: action is missing`, 'action');
  const attrs: Record<string, string> = {};
  if (row.attrs !== undefined) {
    if (typeof row.attrs !== 'object' || row.attrs === null || Array.isArray(row.attrs)) throw new InputError(`line ${line}: attrs must be an object`, 'attrs');
    Object.assign(attrs, row.attrs);
  }
  // for…in rather than Object.entries: no array per line (JSON.parse and the CSV reader make plain objects).
  for (const k in row) {
    if (KNOWN.has(k)) continue;
    if (k.startsWith('attr.')) {
      const v = row[k];
      if (v !== '' && v !== undefined && v !== null) attrs[k.slice(5)] = String(v);
    } else throw new InputError(`line ${line}: unknown column "${escapeText(k.slice(0, 40))}" (use attr.${escapeText(k.slice(0, 40))} for an attribute)`, escapeText(k));
  }
  const at = field(row, 'at', line);
  const byo = row.byo_key ?? row.byoKey;
  const zone = batch.accountOf(account).zone;
  return {
    account,
    action,
    quantity: field(row, 'quantity', line),
    // The common full UTC instant first: the field's name for a message is only made when one is needed.
    at: at === undefined ? undefined : (parseUtcInstant(at.trim()) ?? parseInstant(at, `line ${line} at`, zone)),
    key: field(row, 'key', line),
    member: field(row, 'member', line),
    attrs,
    byoKey: byo === true || byo === 'true' || byo === '1',
  };
}

/** How often a long import reports how far it is. */
export const PROGRESS_EVERY = 2_000;

/** Lines parsed ahead of the one being recorded: their keys are looked up in one query. */
const READ_AHEAD = 64;

/** Lines per batch: the summary rows the fast path keeps in memory are written this often. */
export const IMPORT_BATCH = 10_000;

export function importEvents(
  ctx: Ctx,
  text: string,
  opts: {
    format: 'jsonl' | 'csv';
    account?: string;
    onProgress?: (done: number, total: number) => void;
    /** Filled in: lines recorded by the in-memory fast path and by the general one (tests, bench). */
    stats?: { fast: number; general: number };
    /** Fast events written per INSERT (ROWS_PER_INSERT; the tests vary it). */
    rows?: number;
  },
): ImportResult {
  if (text.length > MAX_IMPORT_BYTES) throw new InputError('import files are limited to 512 MB', 'file');
  const rows = opts.format === 'jsonl' ? jsonLines(text) : csvLines(text);
  const total = rows.total;
  if (total === 0) throw new InputError('the file has no events; nothing was imported', 'file');
  const result: ImportResult = { lines: total, applied: 0, free: 0, bypassed: 0, covered: 0, duplicate: 0, credits: 0 };
  let mc = 0;
  ctx.write(() => {
    const batch = new UsageBatch(ctx, { rows: opts.rows ?? ROWS_PER_INSERT });
    let seen = 0;
    const record = (line: number, row: Row | InputError) => {
      let outcome;
      try {
        if (row instanceof InputError) throw row;
        outcome = batch.use(toInput(batch, row, opts.account, line));
      } catch (e) {
        if (e instanceof InputError) throw new InputError(`line ${line}: ${e.message.replace(/^line \d+: /, '').replace(/; nothing was imported$/, '')}; nothing was imported`, e.field);
        throw e;
      }
      if ('refused' in outcome) {
        throw new RefusedError(`line ${line} was refused: ${outcome.refused.message}; nothing was imported`, outcome.refused.reason, { line, ...outcome.refused.details });
      }
      result[outcome.ok.status] += 1;
      mc += outcome.ok.costMc;
      seen += 1;
      if (seen % IMPORT_BATCH === 0) batch.flush();
      if (opts.onProgress && (seen % PROGRESS_EVERY === 0 || seen === total)) opts.onProgress(seen, total);
    };
    // Lines are parsed READ_AHEAD at a time so their keys are looked up together (one query, not one a line); each is still recorded, or fails, in order.
    const ahead: { line: number; row: Row | InputError }[] = [];
    const recordAhead = () => {
      const keys = new Map<string, string[]>();
      for (const { row } of ahead) {
        if (row instanceof InputError) continue;
        const account = typeof row.account === 'string' && row.account !== '' ? row.account : opts.account;
        if (account === undefined || typeof row.key !== 'string' || row.key === '') continue;
        const list = keys.get(account);
        if (list) list.push(row.key);
        else keys.set(account, [row.key]);
      }
      for (const [account, list] of keys) batch.expectKeys(account, list);
      for (const { line, row } of ahead) record(line, row);
      ahead.length = 0;
    };
    rows.each((line, raw) => {
      let row: Row | InputError;
      try {
        row = rowOf(raw, line);
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        row = e;
      }
      ahead.push({ line, row });
      if (ahead.length === READ_AHEAD) recordAhead();
    });
    recordAhead();
    batch.flush();
    if (opts.stats) {
      opts.stats.general = batch.general;
      opts.stats.fast = total - batch.general;
    }
  });
  result.credits = mc / 1000;
  return result;
}
