/**
 * A restore writes its rows many to an INSERT (ledger/restore-rows.ts): the
 * tables must end up exactly as with one INSERT a row, whatever the runs of
 * tables and column lists and wherever a batch boundary falls.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { RowBatcher } from '../../main/core/ledger/restore-rows.js';
import { rng } from '../stress/lib/rng.js';

function tables(): Database.Database {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE a (id INTEGER PRIMARY KEY, k TEXT, n INTEGER, note TEXT) STRICT;
           CREATE TABLE b (key TEXT PRIMARY KEY, v INTEGER) STRICT, WITHOUT ROWID;`);
  return db;
}

type Row = { table: 'a' | 'b'; cols: string[]; row: Record<string, unknown> };

/** Runs of rows whose lengths land on, just under and just over a batch of 256. */
function rows(seed: number): Row[] {
  const r = rng(seed);
  const out: Row[] = [];
  let id = 0;
  for (let run = 0; run < 12; run++) {
    const len = [1, 255, 256, 257, 511, 512, 3][Math.floor(r() * 7)]!;
    const table = r() < 0.6 ? 'a' : 'b';
    // Column lists change between runs (an export from an older schema has fewer) and their order too.
    const cols = table === 'a' ? (r() < 0.5 ? ['id', 'k', 'n', 'note'] : ['note', 'id', 'k']) : ['key', 'v'];
    for (let i = 0; i < len; i++) {
      id++;
      const row: Record<string, unknown> =
        table === 'a' ? { id, k: `k${id}`, n: Math.floor(r() * 1e9), note: r() < 0.3 ? null : `note ${id} ✓` } : { key: `key-${seed}-${id}`, v: id };
      out.push({ table, cols, row });
    }
  }
  return out;
}

const dump = (db: Database.Database) => ({
  a: db.prepare('SELECT * FROM a ORDER BY rowid').all(),
  b: db.prepare('SELECT * FROM b ORDER BY key').all(),
});

describe('RowBatcher', () => {
  it('leaves the same tables as one INSERT a row (10 seeds, runs around the batch size)', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const list = rows(seed);
      const one = tables();
      for (const { table, cols, row } of list) {
        one.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(cols.map((c) => row[c]));
      }
      const many = tables();
      const batcher = new RowBatcher(many);
      for (const { table, cols, row } of list) batcher.add(table, cols, row);
      batcher.flush();
      expect(dump(many), `seed ${seed}`).toEqual(dump(one));
      expect((many.prepare('SELECT COUNT(*) AS n FROM a').get() as { n: number }).n + (many.prepare('SELECT COUNT(*) AS n FROM b').get() as { n: number }).n).toBe(list.length);
    }
  });

  it('holds rows until a batch is full or flushed, and a bad row fails the INSERT it is in', () => {
    const db = tables();
    const batcher = new RowBatcher(db);
    for (let id = 1; id <= 300; id++) batcher.add('a', ['id', 'k'], { id, k: `k${id}` });
    expect((db.prepare('SELECT COUNT(*) AS n FROM a').get() as { n: number }).n).toBe(256);
    batcher.flush();
    expect((db.prepare('SELECT COUNT(*) AS n FROM a').get() as { n: number }).n).toBe(300);
    // A duplicate key among held rows: the flush that writes them throws (a restore's one transaction then rolls back).
    batcher.add('b', ['key', 'v'], { key: 'x', v: 1 });
    batcher.add('b', ['key', 'v'], { key: 'x', v: 2 });
    expect(() => batcher.flush()).toThrow(/UNIQUE constraint failed: b.key/);
  });
});
