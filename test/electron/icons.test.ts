/** The tray icons in resources/: what scripts/make-icons.ts draws, valid PNGs of the right size and kind. */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { icons, RESOURCES } from '../../scripts/make-icons.js';

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  /** RGBA, row by row. */
  pixels: Buffer;
}

/** Enough of a PNG decoder for these files: RGBA, 8 bits, filter type 0 on every row, chunk CRCs checked. */
function decode(buf: Buffer): Png {
  expect(buf.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let off = 8;
  let ihdr: Buffer | null = null;
  const idat: Buffer[] = [];
  let ended = false;
  while (off < buf.length) {
    const len = buf.readUInt32BE(off);
    const type = buf.subarray(off + 4, off + 8).toString('latin1');
    const data = buf.subarray(off + 8, off + 8 + len);
    const crc = buf.readUInt32BE(off + 8 + len);
    expect(crc, `${type} CRC`).toBe(crc32(buf.subarray(off + 4, off + 8 + len)));
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    off += 12 + len;
  }
  expect(ended).toBe(true);
  const width = ihdr!.readUInt32BE(0);
  const height = ihdr!.readUInt32BE(4);
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe((width * 4 + 1) * height);
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * 4 + 1)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (width * 4 + 1) + 1, (y + 1) * (width * 4 + 1));
  }
  return { width, height, bitDepth: ihdr![8]!, colourType: ihdr![9]!, pixels };
}

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const pixelsOf = (png: Png) => Array.from({ length: png.width * png.height }, (_, i) => [...png.pixels.subarray(i * 4, i * 4 + 4)] as [number, number, number, number]);

describe('tray icons', () => {
  const expected = icons();

  it('resources/ holds exactly what scripts/make-icons.ts draws (run `npm run icons` after changing it)', () => {
    expect(readdirSync(RESOURCES).filter((f) => f.endsWith('.png')).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, png] of Object.entries(expected)) expect(readFileSync(join(RESOURCES, name)).equals(png), name).toBe(true);
  });

  it('16×16 and @2x 32×32, 8-bit RGBA', () => {
    for (const [name, size] of [
      ['tray.png', 16],
      ['tray@2x.png', 32],
      ['trayTemplate.png', 16],
      ['trayTemplate@2x.png', 32],
    ] as const) {
      const png = decode(readFileSync(join(RESOURCES, name)));
      expect({ name, width: png.width, height: png.height, bitDepth: png.bitDepth, colourType: png.colourType }).toEqual({ name, width: size, height: size, bitDepth: 8, colourType: 6 });
    }
  });

  it('the macOS template is black and alpha only, with a visible glyph and a transparent background', () => {
    for (const name of ['trayTemplate.png', 'trayTemplate@2x.png']) {
      const px = pixelsOf(decode(readFileSync(join(RESOURCES, name))));
      expect(px.every(([r, g, b]) => r === 0 && g === 0 && b === 0), name).toBe(true);
      const opaque = px.filter(([, , , a]) => a === 255).length;
      const clear = px.filter(([, , , a]) => a === 0).length;
      expect(opaque / px.length, name).toBeGreaterThan(0.2);
      expect(clear / px.length, name).toBeGreaterThan(0.3);
      expect(px[0]![3], `${name} corner`).toBe(0);
    }
  });

  it('the coloured badge is the app accent with a white glyph, and transparent corners', () => {
    const px = pixelsOf(decode(readFileSync(join(RESOURCES, 'tray@2x.png'))));
    expect(px[0]![3]).toBe(0);
    expect(px.some(([r, g, b, a]) => r === 0x4f && g === 0x46 && b === 0xe5 && a === 255)).toBe(true);
    expect(px.some(([r, g, b, a]) => r === 255 && g === 255 && b === 255 && a === 255)).toBe(true);
  });
});
