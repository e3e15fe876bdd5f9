// Draws the app icons: a shield with a keyhole (privileged access, unlocked just in time).
// color.png 192x192: white shield on the accent colour; outline.png 32x32: white shield on a
// transparent background, keyhole cut out, as Teams asks. Run: npx tsx appPackage/tools/icons.ts
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { encodePng, type RgbaImage } from './png';

export const ACCENT = { r: 0x2b, g: 0x57, b: 0x9a } as const;

/** Coverage of the glyph at a point in [-1, 1]² (y down): 1 inside the shield, 0 outside or in the keyhole. */
function inGlyph(u: number, v: number): boolean {
  const top = -0.82;
  const shoulder = 0.05;
  const bottom = 0.9;
  const half = 0.66;
  if (v < top || v > bottom) return false;
  // A gentle dip in the top edge, like a heater shield.
  if (v < top + 0.1 * (1 - (u / half) ** 2) * 0.6 && Math.abs(u) < half) {
    if (v < top + 0.06 * (1 - (u / half) ** 2)) return false;
  }
  const width = v <= shoulder ? half : half * Math.sqrt(Math.max(0, 1 - ((v - shoulder) / (bottom - shoulder)) ** 2));
  if (Math.abs(u) > width) return false;
  // The keyhole: a round head and a flaring slot.
  const head = Math.hypot(u, v + 0.2) < 0.19;
  const slot = v > -0.2 && v < 0.42 && Math.abs(u) < 0.075 + (v + 0.2) * 0.09;
  return !(head || slot);
}

function render(size: number, margin: number, background: { r: number; g: number; b: number } | null): RgbaImage {
  const pixels = new Uint8Array(size * size * 4);
  const samples = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const u = (((x + (sx + 0.5) / samples) / size) * 2 - 1) / (1 - margin);
          const v = (((y + (sy + 0.5) / samples) / size) * 2 - 1) / (1 - margin);
          if (inGlyph(u, v)) covered++;
        }
      }
      const a = covered / (samples * samples);
      const i = (y * size + x) * 4;
      if (background) {
        // White over the accent colour, fully opaque.
        pixels[i] = Math.round(background.r + (255 - background.r) * a);
        pixels[i + 1] = Math.round(background.g + (255 - background.g) * a);
        pixels[i + 2] = Math.round(background.b + (255 - background.b) * a);
        pixels[i + 3] = 255;
      } else {
        pixels.set([255, 255, 255, Math.round(a * 255)], i);
      }
    }
  }
  return { width: size, height: size, pixels };
}

export function colorIcon(): RgbaImage {
  return render(192, 0.3, ACCENT);
}

/** Teams wants the outline's glyph white and everything else fully transparent. */
export function outlineIcon(): RgbaImage {
  return render(32, 0.06, null);
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..');
  writeFileSync(path.join(dir, 'color.png'), encodePng(colorIcon()));
  writeFileSync(path.join(dir, 'outline.png'), encodePng(outlineIcon()));
  process.stdout.write(`wrote ${path.join(dir, 'color.png')} and outline.png\n`);
}
