/** The presets' notes on a page: where to do it in the app, never a command to type. */
import { describe, expect, it } from 'vitest';
import { presets } from '../../main/core/presets/index.js';
import { appWords } from '../../renderer/src/lib/app-words.js';

describe('appWords', () => {
  it('rewrites every command-line phrase of every preset note', () => {
    const notes = Object.values(presets).flatMap((p) => [...p.notes, ...p.plans.map((x) => x.note ?? ''), ...p.packs.map((x) => x.note ?? ''), ...p.actions.map((x) => x.note ?? '')]);
    expect(notes.filter((n) => /--|`/.test(n)).length).toBeGreaterThan(0);
    for (const n of notes) expect(appWords(n), n).not.toMatch(/(^|\s)--[a-z]|`|creditdeck /);
  });

  it('says where in the app', () => {
    expect(appWords('Custom allocation: give it with --amount credits=N.')).toBe('Custom allocation: give it when you add the account in Settings.');
    expect(appWords('Cost and hourly rate limit are per endpoint in the API reference: set them with `action set`.')).toBe('Cost and hourly rate limit are per endpoint in the API reference: set them in Settings → Rate card.');
    expect(appWords('an alert when 10 % of the monthly credits are left; change it with `account set --low-balance`.')).toBe('an alert when 10 % of the monthly credits are left; change it in Settings → Limits and alerts.');
    expect(appWords('no Flowly credits are used: record with --byo-key.')).toBe('no Flowly credits are used: record it with “Ran on my own API key” ticked.');
  });
});
