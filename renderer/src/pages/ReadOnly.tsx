/** A page this team role does not reach (an old link, a typed address): what it needs, and the way back. */
import { Empty } from '../components/ui';
import { PAGES, hrefOf, type Page } from '../store/route';

export function ReadOnly({ page }: { page: Page }) {
  const label = PAGES.find((p) => p.id === page)?.label ?? page;
  const who = page === 'purchases' ? "the team's owners" : "the team's owners and admins";
  return (
    <div className="page">
      <Empty
        icon="settings"
        title={`${label} is for ${who}`}
        action={
          <a className="btn" href={hrefOf('dashboard')}>
            Back to the dashboard
          </a>
        }
      >
        Your role on this team does not change these. Ask an owner or admin.
      </Empty>
    </div>
  );
}
