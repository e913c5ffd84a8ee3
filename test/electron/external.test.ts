import { describe, expect, it } from 'vitest';
import { allowedExternalUrl, EXTERNAL_HOSTS, safeOpenExternal } from '../../main/electron/external.js';

function recordingShell() {
  const opened: string[] = [];
  return { opened, shell: { openExternal: (url: string) => (opened.push(url), Promise.resolve()) } };
}

describe('safeOpenExternal', () => {
  it('opens https links to the allow-listed Stripe hosts', async () => {
    const { opened, shell } = recordingShell();
    const allowed = ['https://checkout.stripe.com/c/pay/cs_test_123#fid', 'https://buy.stripe.com/test_abc', 'https://billing.stripe.com/p/session/xyz', 'https://CHECKOUT.stripe.com/x'];
    for (const url of allowed) expect(await safeOpenExternal(url, shell), url).toBe(true);
    expect(opened).toEqual(['https://checkout.stripe.com/c/pay/cs_test_123#fid', 'https://buy.stripe.com/test_abc', 'https://billing.stripe.com/p/session/xyz', 'https://checkout.stripe.com/x']);
    expect(EXTERNAL_HOSTS).toEqual(['checkout.stripe.com', 'buy.stripe.com', 'billing.stripe.com']);
  });

  it('refuses everything else without touching the shell', async () => {
    const { opened, shell } = recordingShell();
    const refused = [
      'http://checkout.stripe.com/c/pay/x', // not https
      'https://stripe.com/',
      'https://dashboard.stripe.com/',
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
