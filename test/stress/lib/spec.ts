/**
 * What a usage event with a given idempotency key records, derived from the
 * key alone: any process that sends the key sends the same content (so a
 * repeat is a 'duplicate', never a conflict), and the test can price it
 * without asking the ledger. Prices follow the Lux preset's rate card,
 * restated here on purpose so a change in the ledger's pricing shows up.
 */

export interface EventSpec {
  action: string;
  quantity: string;
  /** Expected cost in millicredits: ceil(quantity × cost ÷ per), to the millicredit. */
  costMc: number;
}

function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** ceil(a / b) for non-negative integers, exactly. */
const ceilDiv = (a: bigint, b: bigint): number => Number((a + b - 1n) / b);

/** quantity in thousandths × cost in millicredits per `per` units → millicredits, rounded up. */
function price(quantityMilli: number, costMc: number, per: number): number {
  return ceilDiv(BigInt(quantityMilli) * BigInt(costMc), BigInt(per) * 1000n);
}

export function specOf(key: string): EventSpec {
  const h = hash(key);
  switch (h % 5) {
    case 0:
      return { action: 'email', quantity: '1', costMc: 1000 };
    case 1:
      return { action: 'sms', quantity: '1', costMc: 2000 };
    case 2: {
      const tokens = 1 + ((h >>> 3) % 4000);
      return { action: 'ai:claude-sonnet', quantity: String(tokens), costMc: price(tokens * 1000, 5000, 1000) };
    }
    case 3: {
      const chars = 1 + ((h >>> 3) % 5000);
      return { action: 'voice-synthesis', quantity: String(chars), costMc: price(chars * 1000, 1000, 1000) };
    }
    default: {
      // Fractional tokens: the cost is rounded up to the millicredit (12.345 tokens of Haiku → 13 mc).
      const milli = 1 + ((h >>> 3) % 99_999);
      return { action: 'ai:claude-haiku', quantity: (milli / 1000).toFixed(3), costMc: price(milli, 1000, 1000) };
    }
  }
}
