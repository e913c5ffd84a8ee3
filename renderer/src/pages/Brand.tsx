/** The Creditdeck mark and name, as in the navigation. */
export function Brand() {
  return (
    <div className="brand">
      <span className="brand-mark" aria-hidden="true">
        <svg width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round">
          <path d="M5 7h14M5 12h14M5 17h8" />
        </svg>
      </span>
      Creditdeck
    </div>
  );
}
