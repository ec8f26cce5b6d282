/**
 * The report shows nothing twice: the published 'quality' metric folds in the scorer comparison it repeats,
 * and a segment key with one value covering every call (a tag on every item) is not a segment table.
 */
import { describe, expect, it } from 'vitest';
import { metricRows, renderReport, segmentRows } from '../../src/report/renderReport';
import type { MetricComparison } from '../../src/types';
import { smallReportInput } from './fixtures';

const c = (
  metric: string,
  n: number,
  p: number,
  q: number,
  extra: Partial<MetricComparison> = {},
): MetricComparison => ({
  metric,
  unit: 'proportion',
  better: 'higher',
  primary: { n, estimate: p, ci: [p - 0.05, p + 0.05] },
  canary: { n, estimate: q, ci: [q - 0.05, q + 0.05] },
  delta: { estimate: q - p, ci: [q - p - 0.04, q - p + 0.04] },
  test: { method: 'McNemar exact', statistic: 3, pValue: 0.01 },
  ...extra,
});

describe('metricRows', () => {
  it("folds quality:<scorer> into 'quality' when it is the same comparison, and keeps other scorers", () => {
    const rows = metricRows([
      c('success_rate', 1319, 1, 1),
      c('quality', 1319, 0.3472, 0.3904),
      c('quality:numericAnswer', 1319, 0.3472, 0.3904),
      c('quality:judge', 1319, 0.61, 0.64),
    ]);
    expect(rows.map((r) => r.c.metric)).toEqual(['success_rate', 'quality', 'quality:judge']);
    expect(rows[1].alias).toBe('numericAnswer');
  });

  it('keeps both when they differ', () => {
    const rows = metricRows([c('quality', 100, 0.5, 0.6), c('quality:numericAnswer', 90, 0.5, 0.6)]);
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.alias === undefined)).toBe(true);
  });
});

describe('segmentRows', () => {
  const overall = [c('success_rate', 1319, 0.99, 0.995), c('quality', 1319, 0.35, 0.39)];
  const seg = (key: 'tier' | 'tag', value: string, n: number, p: number, q: number, metric = 'quality') =>
    c(metric, n, p, q, { segment: { key, value } });

  it('drops a one-value key whose comparisons equal the overall ones', () => {
    const rows = segmentRows([
      ...overall,
      seg('tag', 'gsm8k', 1319, 0.99, 0.995, 'success_rate'),
      seg('tag', 'gsm8k', 1319, 0.35, 0.39),
      seg('tier', 'free', 700, 0.3, 0.36),
      seg('tier', 'premium', 619, 0.41, 0.42),
    ]);
    expect(rows.map((r) => `${r.segment?.key}=${r.segment?.value}`)).toEqual(['tier=free', 'tier=premium']);
  });

  it('keeps a one-value key that covers only part of the run', () => {
    expect(segmentRows([...overall, seg('tier', 'beta', 120, 0.3, 0.5)])).toHaveLength(1);
  });

  it('the report says why there is no segment table', () => {
    const input = smallReportInput();
    const q = input.analysis.comparisons.find((x) => x.metric === 'quality' && x.segment);
    if (!q) throw new Error('fixture changed: it has a quality segment');
    // The fixture's only segment row made to repeat an overall 'quality' row exactly.
    input.analysis.comparisons.push({ ...q, segment: undefined });
    const html = renderReport(input);
    expect(html).toContain('every segment covers all items, so its comparisons are the overall ones above');
  });
});
