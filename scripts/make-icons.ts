/**
 * Draws the tray icons into resources/ (committed; `npm run icons` redraws
 * them, and a test checks the committed files are what this draws):
 *
 *   trayTemplate.png, trayTemplate@2x.png  macOS menu bar: black and alpha
 *                                          only (a template image: macOS
 *                                          tints it for light and dark bars)
 *   tray.png, tray@2x.png                  Windows and Linux: a coloured
 *                                          badge that reads on light and dark
 *                                          panels
 *
 * The glyph is a gauge: a ring three-quarters full, the way a pool of
 * credits drains. A tiny PNG encoder (node:zlib's deflate), 4×4 supersampling
 * for smooth edges; no image library.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ICON_SIZES = [16, 32] as const;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGBA PNG from width × height × 4 bytes. */
export function encodePng(width: number, height: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  // compression, filter, interlace: 0
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, rgba.byteOffset + y * width * 4, width * 4).copy(raw, y * (width * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Coverage (0..1) of a pixel by a shape given in unit coordinates (0..1 across the icon). */
function coverage(size: number, x: number, y: number, inside: (u: number, v: number) => boolean): number {
  const n = 4;
  let hit = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (inside((x + (i + 0.5) / n) / size, (y + (j + 0.5) / n) / size)) hit++;
  return hit / (n * n);
}

/** The gauge: a ring from 12 o'clock clockwise to 9 o'clock (three quarters), with a dot in the middle. */
function gauge(u: number, v: number, scale: number): boolean {
  const dx = (u - 0.5) / scale;
  const dy = (v - 0.5) / scale;
  const r = Math.hypot(dx, dy);
  if (r <= 0.12) return true;
  if (r < 0.3 || r > 0.47) return false;
  // Angle clockwise from 12 o'clock, 0..1 of a turn; the last quarter (9 to 12 o'clock) is empty.
  const turn = (Math.atan2(dx, -dy) / (2 * Math.PI) + 1) % 1;
  return turn <= 0.75;
}

function roundedSquare(u: number, v: number, radius: number): boolean {
  const cx = Math.min(Math.max(u, radius), 1 - radius);
  const cy = Math.min(Math.max(v, radius), 1 - radius);
  return Math.hypot(u - cx, v - cy) <= radius;
}

/** macOS template: black, the shape in the alpha channel. */
export function templateIcon(size: number): Buffer {
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const a = coverage(size, x, y, (u, v) => gauge(u, v, 1));
      px.set([0, 0, 0, Math.round(a * 255)], (y * size + x) * 4);
    }
  }
  return encodePng(size, size, px);
}

/** The app's accent (#4f46e5) as a rounded badge, the gauge in white on it. */
const ACCENT = [0x4f, 0x46, 0xe5] as const;

export function colourIcon(size: number): Buffer {
  const px = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const badge = coverage(size, x, y, (u, v) => roundedSquare(u, v, 0.22));
      const glyph = coverage(size, x, y, (u, v) => gauge(u, v, 0.78));
      // White glyph over the badge; the badge's alpha is the pixel's alpha.
      const mix = (c: number) => Math.round(c * (1 - glyph) + 255 * glyph);
      px.set([mix(ACCENT[0]), mix(ACCENT[1]), mix(ACCENT[2]), Math.round(badge * 255)], (y * size + x) * 4);
    }
  }
  return encodePng(size, size, px);
}

/** File name → contents, for every icon in resources/. */
export function icons(): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  for (const size of ICON_SIZES) {
    const suffix = size === 16 ? '' : `@${size / 16}x`;
    out[`trayTemplate${suffix}.png`] = templateIcon(size);
    out[`tray${suffix}.png`] = colourIcon(size);
  }
  return out;
}

export const RESOURCES = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, png] of Object.entries(icons())) {
    writeFileSync(join(RESOURCES, name), png);
    console.log(`resources/${name} (${png.length} bytes)`);
  }
}
