/**
 * How fast the machine is right now, taken before and after the sections: on
 * shared machines CPU, system calls and fsync each drift by tens of per cent
 * within minutes, and not together, which moves ratios whose two sides lean on
 * different ones (a push is the host's CPU against raw inserts' fsync).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Probe {
  /** 50,000 rounds of a small JSON object written, read back and hashed (SHA-256), after 5,000 to warm up. */
  cpuMs: number;
  /** One 24-byte pwrite (a WAL frame's header): a system call's round trip. */
  pwriteUs: number;
  /** Writing one 4 KiB page and fsyncing it, the median of 100. */
  fsyncUs: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Where the work's result goes, so the compiler cannot drop it. */
export let sink = '';

function work(rounds: number): void {
  const event = { account: 'lux-pro', action: 'ai:claude-sonnet', quantity: 4000, key: 'bench-0', attrs: { flow: 'flow-0' } };
  for (let i = 0; i < rounds; i++) {
    event.key = `bench-${i}`;
    sink = createHash('sha256').update(JSON.stringify(JSON.parse(JSON.stringify(event)))).digest('hex');
  }
}

export function probe(): Probe {
  work(5_000);
  const t0 = performance.now();
  work(50_000);
  const cpuMs = performance.now() - t0;
  const dir = mkdtempSync(join(tmpdir(), 'creditdeck-probe-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  try {
    const page = Buffer.alloc(4096, 1);
    const calls = 50_000;
    const t1 = performance.now();
    for (let i = 0; i < calls; i++) writeSync(fd, page, 0, 24, 0);
    const pwriteUs = ((performance.now() - t1) * 1000) / calls;
    const syncs: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      writeSync(fd, page, 0, page.length, (i % 16) * page.length);
      fsyncSync(fd);
      syncs.push((performance.now() - t) * 1000);
    }
    syncs.sort((a, b) => a - b);
    return { cpuMs: Math.round(cpuMs), pwriteUs: round1(pwriteUs), fsyncUs: Math.round(syncs[50]!) };
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
}

export const describeProbe = (p: Probe): string => `CPU ${p.cpuMs} ms, pwrite ${p.pwriteUs} µs, page + fsync ${p.fsyncUs} µs`;
