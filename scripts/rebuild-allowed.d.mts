/** Types for scripts/rebuild-allowed.mjs (run by plain node in CI, imported by a test). */
export declare const CI_SKIP: ReadonlySet<string>;
export declare function rebuildSpecs(allowScripts: Record<string, boolean> | undefined): string[];
