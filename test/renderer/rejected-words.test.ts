/** A joined team's rejections in words: those in doubt (the host may have recorded them) are said to be so, in the window and the tray alike. */
import { describe, expect, it } from 'vitest';
import { rejectedWords } from '../../renderer/src/lib/rejected-words.js';
import { syncLine } from '../../main/electron/membership-tray.js';
import type { MembershipView } from '../../main/core/api/membership.js';

const judged = { inDoubt: false };
const doubt = { inDoubt: true };

describe('rejected entries in words', () => {
  it('says how many may have been recorded all the same', () => {
    expect(rejectedWords([judged, judged])).toBe('2 rejected');
    expect(rejectedWords([judged, doubt])).toBe('2 rejected, 1 of them may have been recorded');
    expect(rejectedWords([doubt])).toBe('1 rejected, it may have been recorded');
    expect(rejectedWords([doubt, doubt, doubt])).toBe('3 rejected, all 3 may have been recorded');
  });

  it('the tray says the same', () => {
    const t = { team: { id: 't', name: 'Studio' }, state: 'synced', pending: 0, offlineSince: null } as unknown as MembershipView;
    for (const rejected of [[judged], [judged, doubt], [doubt], [doubt, doubt]]) {
      expect(syncLine({ ...t, rejected } as MembershipView, Date.now())).toBe(`Studio: synced · ${rejectedWords(rejected)}`);
    }
  });
});
