import { describe, expect, it } from 'vitest';
import { successRateSpec } from '../../src/charts/reliability';
import { ChartRenderError, renderSvg } from '../../src/charts/render';
import { renderPng } from '../../src/charts/renderPng';

// A PNG file starts with the 8-byte signature 89 50 4E 47 0D 0A 1A 0A, then the IHDR chunk whose data
// (from byte 16) holds the width and height as big-endian 32-bit integers (PNG spec, ISO/IEC 15948 §5.2, §11.2.2).
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const spec = successRateSpec({
  primary: { n: 1000, estimate: 0.998, ci: [0.9927, 0.9995] },
  canary: { n: 1000, estimate: 0.99, ci: [0.9817, 0.9946] },
  threshold: 0.995,
});

describe('renderPng', () => {
  it('rasterises the SVG at the requested scale', async () => {
    const svg = await renderSvg(spec);
    const w = Number(/<svg[^>]*\swidth="([\d.]+)"/.exec(svg)?.[1]);
    const h = Number(/<svg[^>]*\sheight="([\d.]+)"/.exec(svg)?.[1]);
    for (const scale of [1, 2]) {
      const png = await renderPng(spec, { scale });
      expect(png.subarray(0, 8).equals(SIGNATURE)).toBe(true);
      expect(png.toString('ascii', 12, 16)).toBe('IHDR');
      expect(png.readUInt32BE(16)).toBe(Math.ceil(w * scale));
      expect(png.readUInt32BE(20)).toBe(Math.ceil(h * scale));
    }
  });

  it('rejects a scale that is not a positive number', async () => {
    await expect(renderPng(spec, { scale: 0 })).rejects.toThrow(ChartRenderError);
    await expect(renderPng(spec, { scale: Number.NaN })).rejects.toThrow(/scale must be a number/);
  });
});
