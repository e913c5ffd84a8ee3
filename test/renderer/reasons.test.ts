import { describe, expect, it } from 'vitest';
import { reason } from '../../renderer/src/lib/format.js';

describe('refusal headings', () => {
  it("names the team's limits in words, and falls back to the code's words for one it does not know", () => {
    expect(reason('member_cap')).toBe('Your cap on this pool');
    expect(reason('token_cap')).toBe("This token's cap");
    expect(reason('insufficient_credits')).toBe('Not enough credits');
    expect(reason('some_new_reason')).toBe('some new reason');
    expect(reason('toString')).toBe('toString');
  });
});
