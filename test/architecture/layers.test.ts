// The layer rules (.dependency-cruiser.cjs, docs/ARCHITECTURE.md "Layers") hold on src/, and they can fail:
// the same rules, loaded from the same file, find each planted violation in a small fixture tree
// (test/fixtures/layers/src/) and nothing else. Run through dependency-cruiser's own API, as `npm run deps`.
import { join } from 'node:path';
import { cruise, type ICruiseResult, type IViolation } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'layers');

/** Cruises `src` under `baseDir` with the project's rule file; returns the violations. */
async function violations(baseDir: string, tsConfigFile?: string): Promise<IViolation[]> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  // The project's tsconfig is for the real tree only; the fixture resolves plain relative imports.
  const { tsConfig: _projectTsConfig, ...rest } = options;
  const result = await cruise(
    ['src'],
    { ...rest, ...(tsConfigFile ? { tsConfig: { fileName: tsConfigFile } } : {}), baseDir, validate: true },
    undefined,
    tsConfigFile ? { tsConfig: extractTSConfig(tsConfigFile) } : undefined,
  );
  return (result.output as ICruiseResult).summary.violations;
}

/** 'rule: from → to' (a circle: 'rule: a → b → a'), one line per violation, sorted. */
function described(vs: IViolation[]): string[] {
  return vs
    .map((v) =>
      v.cycle
        ? `${v.rule.name}: ${[v.from, ...v.cycle.map((c) => c.name)].join(' → ')}`
        : `${v.rule.name}: ${v.from} → ${v.to}`,
    )
    .sort();
}

describe('layers', () => {
  it('src/ has no upward import, no circle and no product import of the simulator', async () => {
    expect(described(await violations(ROOT, join(ROOT, 'tsconfig.json')))).toEqual([]);
  });

  it('the same rules catch an upward import, a circle, both simulator rules and a CLI bypassing the index', async () => {
    // Planted (test/fixtures/layers/src): stats/low.ts (layer 0) imports report/high.ts (layer 9);
    // analysis/ping.ts ↔ analysis/pong.ts; analysis/usesSim.ts imports sim/server.ts; sim/server.ts imports
    // runner/batch.ts (layer 4); cli/bypass.ts imports report/high.ts instead of index.ts. Allowed, so not listed:
    // runner/batch.ts → stats/low.ts, index.ts → analysis/, report/, sim/, and cli/main.ts → index.ts.
    // The circle is reported once, from the first of its modules.
    expect(described(await violations(FIXTURE))).toEqual([
      'cli-uses-the-public-api: src/cli/bypass.ts → src/report/high.ts',
      'layer-0-imports-upward: src/stats/low.ts → src/report/high.ts',
      'no-circular: src/analysis/ping.ts → src/analysis/pong.ts → src/analysis/ping.ts',
      'simulator-beside-the-product: src/analysis/usesSim.ts → src/sim/server.ts',
      'simulator-uses-lower-layers-only: src/sim/server.ts → src/runner/batch.ts',
    ]);
  });
});
