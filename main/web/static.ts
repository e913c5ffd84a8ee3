/**
 * The built renderer's files, read safely: the web host serves them over
 * HTTP and the desktop app over its app:// protocol, with the same path
 * checks and content types.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export const contentType = (file: string): string => CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';

/** The request path, split into decoded segments; null for anything that could step outside the folder. */
export function safeSegments(rawPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const segments = decoded.split('/').filter((s) => s !== '');
  // "..", "." and dotfiles; ":" keeps Windows drive and stream names out.
  if (segments.some((s) => s.startsWith('.') || s.includes(':'))) return null;
  return segments;
}

export type StaticFile = { found: true; data: Buffer; type: string } | { found: false; segments: string[] | null };

/**
 * The file a raw (still percent-encoded) path names under `root`, `/` being
 * index.html. Not found for anything outside the folder, symlinks leading
 * out included, and for folders.
 */
export async function readStatic(root: string, rawPath: string): Promise<StaticFile> {
  const segments = rawPath === '/' ? ['index.html'] : safeSegments(rawPath);
  if (!segments || segments.length === 0) return { found: false, segments };
  const file = join(root, ...segments);
  if (!file.startsWith(root + sep)) return { found: false, segments };
  try {
    // Symlinks must not lead out of the folder either.
    const [real, realRoot] = await Promise.all([realpath(file), realpath(root)]);
    if (!real.startsWith(realRoot + sep) || !(await stat(real)).isFile()) return { found: false, segments };
    return { found: true, data: await readFile(real), type: contentType(file) };
  } catch {
    return { found: false, segments };
  }
}
