/** Hash routing (`#/usage?account=x`): works from a web host and from a file:// page in the desktop app alike. */
import { create } from 'zustand';

export type Page = 'dashboard' | 'usage' | 'purchases' | 'plans' | 'calculator' | 'settings' | 'team';

export const PAGES: { id: Page; label: string }[] = [
  { id: 'dashboard', label: 'Dashboard' },
  { id: 'usage', label: 'Usage' },
  { id: 'purchases', label: 'Purchases' },
  { id: 'plans', label: 'Plans' },
  { id: 'calculator', label: 'Calculator' },
  { id: 'settings', label: 'Settings' },
  { id: 'team', label: 'Team' },
];

interface Route {
  page: Page;
  params: Record<string, string>;
}

function parse(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const page = (PAGES.find((p) => p.id === path)?.id ?? 'dashboard') as Page;
  return { page, params: Object.fromEntries(new URLSearchParams(query)) };
}

export function hrefOf(page: Page, params: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== '')).toString();
  return `#/${page === 'dashboard' ? '' : page}${q ? `?${q}` : ''}`;
}

export const useRoute = create<Route>()(() => parse(typeof location === 'undefined' ? '' : location.hash));

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => useRoute.setState(parse(location.hash)));
}

export function navigate(page: Page, params: Record<string, string | undefined> = {}): void {
  const href = hrefOf(page, params);
  if (location.hash !== href) location.hash = href;
  else useRoute.setState(parse(href));
}

/** Change the query of the current page without adding a history entry. */
export function setParams(params: Record<string, string | undefined>): void {
  const cur = useRoute.getState();
  const href = hrefOf(cur.page, { ...cur.params, ...params });
  history.replaceState(null, '', href);
  useRoute.setState(parse(href));
}
