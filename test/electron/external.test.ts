import { describe, expect, it } from 'vitest';
import { allowedExternalUrl, EXTERNAL_HOSTS, safeOpenExternal } from '../../main/electron/external.js';

function recordingShell() {
  const opened: string[] = [];
  return { opened, shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) } };
}

describe('safeOpenExternal', () => {
  it('opens https links to the allow-listed Stripe hosts, receipts included', async () => {
    const { opened, shell } = recordingShell();
    const allowed = [
      'https://checkout.stripe.com/c/pay/cs_test_123#fid',
      'https://buy.stripe.com/test_abc',
      'https://billing.stripe.com/p/session/xyz',
      'https://CHECKOUT.stripe.com/x',
      'https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTg?s=ap',
    ];
    for (const url of allowed) expect(await safeOpenExternal(url, shell), url).toBe(true);
    expect(opened).toEqual([
      'https://checkout.stripe.com/c/pay/cs_test_123#fid',
      'https://buy.stripe.com/test_abc',
      'https://billing.stripe.com/p/session/xyz',
      'https://checkout.stripe.com/x',
      'https://pay.stripe.com/receipts/payment/CAcaFwoVYWNjdF8xTg?s=ap',
    ]);
    expect(EXTERNAL_HOSTS).toEqual(['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com', 'pay.stripe.com']);
  });

  it("opens a pack's own link only when its host is passed as an extra host, on the same terms, and the user confirms it", async () => {
    const { opened, shell } = recordingShell();
    const extra = ['lux.example'];
    const asked: string[] = [];
    const yes = (host: string) => (asked.push(host), true);
    expect(await safeOpenExternal('https://lux.example/billing/add-credits', shell, [], yes)).toBe(false);
    expect(await safeOpenExternal('https://lux.example/billing/add-credits', shell, extra, yes)).toBe(true);
    for (const url of ['http://lux.example/billing', 'https://lux.example:8443/', 'https://user@lux.example/', 'https://evil.lux.example/', 'https://lux.example.evil/']) {
      expect(await safeOpenExternal(url, shell, extra, yes), url).toBe(false);
    }
    expect(opened).toEqual(['https://lux.example/billing/add-credits']);
    // Asked once, for the one URL that passed the guard; Stripe's hosts are never asked about.
    expect(await safeOpenExternal('https://checkout.stripe.com/c/pay/cs_1', shell, extra, yes)).toBe(true);
    expect(asked).toEqual(['lux.example']);
  });

  it('a host that is not Stripe\'s stays closed when the user says no, or when there is nobody to ask', async () => {
    const { opened, shell } = recordingShell();
    const extra = ['lux.example'];
    expect(await safeOpenExternal('https://lux.example/billing', shell, extra)).toBe(false);
    expect(await safeOpenExternal('https://lux.example/billing', shell, extra, () => false)).toBe(false);
    expect(await safeOpenExternal('https://lux.example/billing', shell, extra, async () => false)).toBe(false);
    expect(opened).toEqual([]);
  });

  it('refuses what a shell or cmd.exe would read, before and after the URL is normalised; well-formed escapes pass', async () => {
    const { opened, shell } = recordingShell();
    const extra = ['lux.example'];
    const yes = () => true;
    const refused = [
      'https://lux.example/buy|calc.exe',
      'https://lux.example/buy?k=%STRIPE_SECRET_KEY%',
      'https://lux.example/buy?k=%',
      'https://lux.example/buy^x',
      'https://lux.example/buy"x',
      "https://lux.example/buy'x",
      'https://lux.example/buy<x>',
      'https://lux.example/buy`x`',
      'https://lux.example/buy x',
      'https://lux.example/buy\tx',
      'https://lux.example/buy\nx',
      'https://lux.example/buy\u0000x',
      'https://lux.example/buy\u007fx',
      'https://lux.example/buy\u0085x',
      'https://lux.example/buy\u00a0x',
      'https://lux.example\\buy',
      ' https://checkout.stripe.com/c/pay/cs_1',
    ];
    for (const url of refused) {
      expect(await safeOpenExternal(url, shell, extra, yes), JSON.stringify(url)).toBe(false);
      expect(allowedExternalUrl(url, extra), JSON.stringify(url)).toBeNull();
    }
    expect(opened).toEqual([]);
    // Stripe's Checkout URLs carry escapes in their fragment.
    const checkout = 'https://checkout.stripe.com/c/pay/cs_test_a1#fidkdWxOYHwnPyd1blpxYHZxWjA0%2FcXdwYHgl';
    expect(await safeOpenExternal(checkout, shell)).toBe(true);
    expect(opened).toEqual([checkout]);
  });

  it('refuses everything else without touching the shell', async () => {
    const { opened, shell } = recordingShell();
    const refused = [
      'http://checkout.stripe.com/c/pay/x', // not https
      'https://stripe.com/',
      'https://dashboard.stripe.com/',
      'http://pay.stripe.com/receipts/x', // not https
      'https://pay.stripe.com.evil.example/receipts/x',
      'https://pay.stripe.com:444/receipts/x',
      'https://checkout.stripe.com.evil.example/',
      'https://evil.example/?https://checkout.stripe.com/',
      'https://checkout.stripe.com@evil.example/',
      'https://user:pass@checkout.stripe.com/',
      'https://checkout.stripe.com:8443/',
      'https://checkout.stripe.com./',
      'file:///etc/passwd',
      'smb://checkout.stripe.com/share',
      'javascript:alert(1)',
      'ms-msdt:/id PCWDiagnostic',
      'vscode://file/etc/passwd',
      '//checkout.stripe.com/',
      'checkout.stripe.com',
      '',
      `https://checkout.stripe.com/${'a'.repeat(3000)}`,
    ];
    for (const url of refused) expect(await safeOpenExternal(url, shell), url).toBe(false);
    expect(allowedExternalUrl(42)).toBeNull();
    expect(opened).toEqual([]);
  });
});
