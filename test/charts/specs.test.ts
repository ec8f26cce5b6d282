/**
 * Every chart spec on seeded data: valid against the vega-lite 5 JSON schema, compiled by vega-lite without
 * a warning, and equal to its snapshot file (test/charts/__snapshots__/specs/<id>.vl.json.snap, JSON; a change shows
 * as a diff in review — update with `npx vitest run test/charts -u` after checking it).
 */
import { describe, expect, it } from 'vitest';
import { buildRunCharts } from '../../src/charts/buildRunCharts';
import { compileChart } from '../../src/charts/render';
import { seededRun } from './fixture';
import { schemaErrors, snapshotJson } from './helpers';

const charts = buildRunCharts(seededRun());

describe('chart specs on a seeded run', () => {
  it('builds every chart the data allows, in report order', () => {
    expect(charts.map((c) => c.id)).toEqual([
      'gates',
      'latency-ecdf',
      'latency-percentiles',
      'success-rate',
      'error-kinds',
      'cost',
      'quality-pass-rates',
      'quality-differences',
      'quality-scores',
      'quality-score-differences',
      'pairwise',
      'sequential',
    ]);
  });

  it('is deterministic: the same input builds the same specs', () => {
    expect(JSON.stringify(buildRunCharts(seededRun()))).toBe(JSON.stringify(charts));
  });

  it.each(charts.map((c) => [c.id, c] as const))(
    '%s: valid vega-lite, no compile warning, snapshot',
    async (id, c) => {
      expect(schemaErrors(c.spec), id).toEqual([]);
      const { warnings } = compileChart(c.spec);
      expect(warnings, id).toEqual([]);
      // Titled, with every data value inline (nothing to fetch).
      const json = JSON.stringify(c.spec);
      expect((c.spec as { title?: { text?: string } }).title?.text, id).toBeTruthy();
      expect(json).not.toMatch(/"url"\s*:/);
      expect(json).not.toContain('NaN');
      await expect(`${snapshotJson(c.spec)}\n`).toMatchFileSnapshot(
        `./__snapshots__/specs/${id}.vl.json.snap`,
      );
    },
  );

  it('keeps the ECDF small: at most 500 points per arm for 1,000 calls each', () => {
    const ecdf = charts.find((c) => c.id === 'latency-ecdf')?.spec as unknown as {
      layer: Array<{ data: { values: Array<{ arm: string }> } }>;
    };
    const curve = ecdf.layer[0].data.values;
    expect(curve.filter((r) => r.arm === 'primary').length).toBeLessThanOrEqual(500);
    expect(curve.filter((r) => r.arm === 'canary').length).toBeLessThanOrEqual(500);
    expect(JSON.stringify(ecdf).length).toBeLessThan(80_000);
  });
});

describe('the schema check itself', () => {
  it('rejects what vega-lite would not accept', () => {
    expect(schemaErrors({ mark: 'pointy', data: { values: [] } })).not.toEqual([]);
    expect(
      schemaErrors({
        mark: 'point',
        data: { values: [] },
        encoding: { x: { field: 'a', type: 'quantitive' } },
      }),
    ).not.toEqual([]);
    expect(schemaErrors({ mark: 'point', data: { values: [] } })).toEqual([]);
  });
});
