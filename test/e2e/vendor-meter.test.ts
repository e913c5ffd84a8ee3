/**
 * The dashboard and the vendor's meter: each pool says where its number comes
 * from; the vendor's differing reading is shown, not written, until the
 * "Record N unrecorded" button records it; "the vendor's page shows N left"
 * records a page's figure; a bad figure says why and writes nothing.
 */
import { describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { saveReading } from '../../main/core/connectors/readings.js';
import type { TestHost } from './server.js';
import { perTest } from './per-test.js';

const t = perTest();
const SHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/** Fluximage Agency since Nov 1: 806 AI credits used; Fluximage's meter said 812 an hour ago. */
function seed(host: TestHost): void {
  host.api('accounts.add', { preset: 'fluximage', plan: 'agency', anchor: '2026-11-01' });
  host.api('usage.record', { account: 'fluximage-agency', action: 'alt-text', quantity: 806, at: '2026-11-02T10:00:00Z' });
  saveReading(host.ctx, 'fluximage-agency', Date.parse('2026-11-03T13:00:00Z'), [
    { pool: 'compression', vendorUsedMc: 0 },
    { pool: 'ai', vendorUsedMc: 812_000 },
  ], 'agency');
}

const ai = (host: TestHost) => host.api('balance.get', { account: 'fluximage-agency' }).pools.find((p) => p.pool === 'ai')!;

describe('the dashboard and the vendor\'s meter', () => {
  it('shows the difference, records it on request, then says the number is reconciled', async () => {
    const { page } = await t.open({ seed });
    const card = page.locator('article[data-pool="ai"]');
    const source = card.getByTestId('pool-source');
    await expect.poll(() => card.getByTestId('drift').textContent()).toContain('Fluximage says 812 AI credits used, the ledger 806: 6 unrecorded');
    expect(await source.getAttribute('data-source')).toBe('ledger');
    expect(await page.locator('article[data-pool="compression"]').getByTestId('pool-source').textContent()).toContain("Fluximage's meter agreed · Nov 3 13:00 UTC");
    // Shown, not written: the ledger still says 806.
    expect(ai(t.host).usedThisPeriod).toBe(806);
    mkdirSync(SHOTS, { recursive: true });
    await card.screenshot({ path: `${SHOTS}/dashboard-vendor-drift.png` });

    await card.getByRole('button', { name: 'Record 6 unrecorded' }).click();
    await expect.poll(() => source.getAttribute('data-source')).toBe('reconciled');
    expect(await source.textContent()).toContain('Reconciled with Fluximage · Nov 3 13:00 UTC');
    expect(await card.getByTestId('drift').count()).toBe(0);
    expect(ai(t.host)).toMatchObject({ usedThisPeriod: 812, source: { kind: 'reconciled', origin: 'api' } });
  });

  it('records what the vendor\'s page shows left; a figure above the ledger\'s is refused with the reason', async () => {
    const { page } = await t.open({ seed });
    const card = page.locator('article[data-pool="ai"]');
    await card.getByRole('button', { name: 'The vendor\'s page shows a different number…' }).click();
    const input = card.getByLabel('The vendor\'s page shows', { exact: true });
    await input.fill('9999');
    await card.getByRole('button', { name: 'Record', exact: true }).click();
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('the ledger has 805 more used than Fluximage counts');
    expect(ai(t.host).usedThisPeriod).toBe(806);

    await input.fill('9000');
    await card.getByRole('button', { name: 'Record', exact: true }).click();
    await expect.poll(() => card.getByTestId('pool-source').getAttribute('data-source')).toBe('reconciled');
    expect(await card.getByTestId('pool-source').textContent()).toContain("Reconciled with Fluximage's page");
    expect(ai(t.host)).toMatchObject({ usedThisPeriod: 1000, remaining: 9000 });
  });
});
