/** Timers driven by the test: nothing runs until advance() moves the fake time past it. */
import type { Timers } from '../../main/electron/timers.js';

interface Timer {
  id: number;
  due: number;
  every: number | null;
  fn: () => void;
}

export class FakeTimers implements Timers {
  now = 0;
  private timers = new Map<number, Timer>();
  private next = 1;

  setInterval(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { id, due: this.now + ms, every: ms, fn });
    return id;
  }
  clearInterval(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.timers.set(id, { id, due: this.now + ms, every: null, fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers waiting, intervals included. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move time forward, running every timer that falls due, in order. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.timers.values()].filter((t) => t.due <= end).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!due) break;
      this.now = due.due;
      if (due.every === null) this.timers.delete(due.id);
      else due.due += Math.max(1, due.every);
      due.fn();
    }
    this.now = end;
  }
}
