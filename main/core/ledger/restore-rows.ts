/**
 * A restore's rows, written many to an INSERT: rows of one table with the same
 * columns (an export writes each table's rows in a run) are held until
 * ROWS_PER_INSERT of them, then written by one statement, so the cost of a
 * statement call (binding, stepping, resetting, the call into native code) is
 * paid once per batch rather than once per row. Same rows, same order.
 */
import type Database from 'better-sqlite3';

const ROWS_PER_INSERT = 256;

export const sameNames = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

export class RowBatcher {
  private table = '';
  private cols: string[] = [];
  private values: unknown[] = [];
  private held = 0;
  private readonly stmts = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** Hold a row; `cols` are its column names, already checked as plain identifiers. */
  add(table: string, cols: string[], row: Record<string, unknown>): void {
    if (this.held > 0 && (table !== this.table || (cols !== this.cols && !sameNames(cols, this.cols)))) this.flush();
    if (this.held === 0) {
      this.table = table;
      this.cols = cols;
    }
    for (const c of cols) this.values.push(row[c]);
    if (++this.held === ROWS_PER_INSERT) this.flush();
  }

  /** Write what is held. */
  flush(): void {
    if (this.held === 0) return;
    this.statement(this.held).run(this.values);
    this.values = [];
    this.held = 0;
  }

  private statement(rows: number): Database.Statement {
    const key = `${this.table}(${this.cols.join(',')})×${rows}`;
    let stmt = this.stmts.get(key);
    if (!stmt) {
      const one = `(${this.cols.map(() => '?').join(', ')})`;
      stmt = this.db.prepare(`INSERT INTO "${this.table}" (${this.cols.map((c) => `"${c}"`).join(', ')}) VALUES ${Array(rows).fill(one).join(', ')}`);
      this.stmts.set(key, stmt);
    }
    return stmt;
  }
}
