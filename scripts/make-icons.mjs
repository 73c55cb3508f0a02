#!/usr/bin/env node
/**
 * Draws the tray icons (one per tray state) and the app icon as PNG files in
 * resources/, with nothing but node:zlib: no ImageMagick, no canvas package.
 * Run `node scripts/make-icons.mjs` after changing a shape; the output is
 * committed so that builds never depend on this script.
 *
 * Every glyph is a crescent moon plus a small state badge, drawn from signed
 * distance functions and anti-aliased by 4×4 supersampling.
 * - Coloured icons (Windows, Linux): state colour with a dark outline, so the
 *   shape reads on light and dark panels alike.
 * - Template icons (macOS, `*Template.png`): black + alpha only; macOS tints
 *   them for the menu bar, so the state is carried by the badge's shape.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources');

export const TRAY_STATES = ['idle', 'working', 'backing_off', 'paused', 'error'];

const COLOURS = {
  idle: [0x8a, 0xa4, 0xc8],
  working: [0x2e, 0xb8, 0x5c],
  backing_off: [0xf0, 0xa0, 0x20],
  paused: [0x9a, 0x9a, 0x9a],
  error: [0xe0, 0x3c, 0x3c],
};
const OUTLINE = [0x1c, 0x1c, 0x1c];
const WHITE = [0xff, 0xff, 0xff];

// ------------------------------------------------------------ shapes (unit square, y down)
// Each is a signed distance: negative inside, in units of the icon's width.

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;
const box = (cx, cy, hw, hh) => (x, y) => {
  const dx = Math.abs(x - cx) - hw;
  const dy = Math.abs(y - cy) - hh;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0);
};
const union =
  (...fs) =>
  (x, y) =>
    Math.min(...fs.map((f) => f(x, y)));
const subtract = (a, b) => (x, y) => Math.max(a(x, y), -b(x, y));
const ring = (f, width) => (x, y) => Math.abs(f(x, y)) - width / 2;

const crescent = subtract(circle(0.42, 0.46, 0.36), circle(0.6, 0.34, 0.3));
const BADGE_CENTRE = [0.72, 0.72];
const badgeDisk = circle(...BADGE_CENTRE, 0.24);

/** The badge says the state without colour (template icons need that). */
function badge(state) {
  const [cx, cy] = BADGE_CENTRE;
  switch (state) {
    case 'idle':
      return null;
    case 'working':
      return circle(cx, cy, 0.17);
    case 'backing_off':
      return ring(circle(cx, cy, 0.14), 0.07);
    case 'paused':
      return union(box(cx - 0.07, cy, 0.035, 0.15), box(cx + 0.07, cy, 0.035, 0.15));
    case 'error':
      return union(box(cx, cy - 0.04, 0.04, 0.11), circle(cx, cy + 0.14, 0.045));
    default:
      throw new Error(`unknown state ${state}`);
  }
}

// ------------------------------------------------------------ rasterising

const SAMPLES = 4;

function coverage(sdf, size, px, py) {
  let inside = 0;
  for (let sy = 0; sy < SAMPLES; sy++) {
    for (let sx = 0; sx < SAMPLES; sx++) {
      const x = (px + (sx + 0.5) / SAMPLES) / size;
      const y = (py + (sy + 0.5) / SAMPLES) / size;
      if (sdf(x, y) <= 0) inside++;
    }
  }
  return inside / (SAMPLES * SAMPLES);
}

/** Layers are painted in order: [sdf, rgb]. Returns RGBA bytes. */
function paint(size, layers) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (const [sdf, colour] of layers) {
        const c = coverage(sdf, size, px, py);
        if (c === 0) continue;
        // "over" compositing in straight alpha
        const outA = c + a * (1 - c);
        r = (colour[0] * c + r * a * (1 - c)) / outA;
        g = (colour[1] * c + g * a * (1 - c)) / outA;
        b = (colour[2] * c + b * a * (1 - c)) / outA;
        a = outA;
      }
      const i = (py * size + px) * 4;
      rgba[i] = Math.round(r);
      rgba[i + 1] = Math.round(g);
      rgba[i + 2] = Math.round(b);
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return rgba;
}

/** Outline width grows a little on small icons so it stays at least ~1 px. */
const outlineFor = (size) => Math.max(1.1 / size, 0.045);

function colouredTrayIcon(state, size) {
  const w = outlineFor(size);
  const mark = badge(state);
  const moon = mark ? subtract(crescent, badgeDisk) : crescent;
  const layers = [
    [(x, y) => moon(x, y) - w, OUTLINE],
    [moon, COLOURS[state]],
  ];
  if (mark) {
    layers.push([badgeDisk, OUTLINE], [(x, y) => badgeDisk(x, y) + w, COLOURS[state]], [mark, WHITE]);
  }
  return paint(size, layers);
}

function templateTrayIcon(state, size) {
  const mark = badge(state);
  const shape = mark
    ? union(
        subtract(crescent, (x, y) => badgeDisk(x, y) - 0.02),
        mark,
      )
    : crescent;
  return paint(size, [[shape, [0, 0, 0]]]);
}

function appIcon(size) {
  const bg = box(0.5, 0.5, 0.42, 0.42);
  const rounded = (x, y) => bg(x, y) - 0.06;
  const moon = (x, y) => crescent((x - 0.5) / 0.8 + 0.5, (y - 0.5) / 0.8 + 0.5) * 0.8;
  return paint(size, [
    [rounded, [0x1d, 0x25, 0x3a]],
    [moon, [0xf5, 0xd7, 0x6e]],
    [circle(0.7, 0.28, 0.03), WHITE],
    [circle(0.78, 0.42, 0.02), WHITE],
  ]);
}

// ------------------------------------------------------------ PNG encoding

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression, filter, interlace: 0
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ------------------------------------------------------------ output

function write(name, size, rgba) {
  writeFileSync(join(OUT, name), encodePng(size, rgba));
  return name;
}

const written = [];
for (const state of TRAY_STATES) {
  // 16 px (+@2x) for Windows and macOS; 32 px (+@2x) for Linux panels, which scale down.
  for (const [suffix, base] of [
    ['', 16],
    ['-32', 32],
  ]) {
    written.push(write(`tray-${state}${suffix}.png`, base, colouredTrayIcon(state, base)));
    written.push(write(`tray-${state}${suffix}@2x.png`, base * 2, colouredTrayIcon(state, base * 2)));
  }
  written.push(write(`tray-${state}Template.png`, 16, templateTrayIcon(state, 16)));
  written.push(write(`tray-${state}Template@2x.png`, 32, templateTrayIcon(state, 32)));
}
written.push(write('icon.png', 512, appIcon(512)));
written.push(write('icon-256.png', 256, appIcon(256)));
console.log(`wrote ${written.length} files to ${OUT}`);
