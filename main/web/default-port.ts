/** The web host's port unless told otherwise; apart from serve.ts so the CLI can name it without loading the host. */
export const DEFAULT_PORT = 4317;
