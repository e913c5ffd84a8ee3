/**
 * The link an invite travels in: the host's URL, then the code and the
 * certificate's fingerprint in the fragment (#…), which a browser never sends
 * to a server, so the code stays out of every access log on the way.
 */
export function inviteLink(url: string, invite: string, fingerprint: string | null): string {
  const params = new URLSearchParams({ invite, ...(fingerprint ? { fp: fingerprint } : {}) });
  return `${new URL(url).origin}/join#${params.toString()}`;
}
