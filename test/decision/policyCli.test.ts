/**
 * Issue 16 defect 7 and 9 through the real command in its own process: `canarylab decide --policy` with a
 * misspelled, contradictory policy exits 1 naming file, line and field (before: it decided with the typo
 * dropped — a guaranteed rollback from an impossible gate); `canarylab run --config` with an alias bomb or
 * a syntax error around a secret exits 1 naming the file without repeating its text, and creates no run.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempDir, writeConfig } from '../cli/cliHelpers';

const SECRET = 'sk-proj-Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0Lm';

describe('canarylab decide --policy <strict policy>', () => {
  it('exits 1 with file (line n): field for misspelled keys and impossible gates, before reading the run', async () => {
    const dir = tempDir('policy-cli');
    const policy = writeConfig(
      dir,
      'policy.yaml',
      `gates:
  - { name: success rate, metric: success_rate, kind: absolute, direction: above, treshold: 0.995, severity: required }
plan:
  - { stage: shadow, trafficPercent: 50 }
srm: { alhpa: 0.01 }
`,
    );
    const r = await runCli(['decide', join(dir, 'no-run'), '--policy', policy]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`canarylab: ${policy}: invalid configuration`);
    expect(r.stderr).toContain('gates[0] (line 2): unknown field "treshold" (did you mean "threshold"?)');
    expect(r.stderr).toContain('srm (line 5): unknown field "alhpa" (did you mean "alpha"?)');

    const impossible = writeConfig(
      dir,
      'impossible.yaml',
      `gates:
  - { name: p95, metric: latency_p95_ms, kind: absolute, direction: below, threshold: -3000, severity: required }
plan:
  - { stage: shadow, trafficPercent: 50 }
`,
    );
    const r2 = await runCli(['decide', join(dir, 'no-run'), '--policy', impossible]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain(
      'gates[0].threshold (line 2): latency_p95_ms is never negative: no value is below -3000, so this gate can never pass',
    );
    expect(r2.stderr).toContain('plan[0].trafficPercent (line 4): a shadow step serves no traffic');
  });
});

describe('canarylab run --config <hostile file>', () => {
  it('an alias bomb and a syntax error exit 1 naming the file, never its text, and create no run folder', async () => {
    const dir = tempDir('hostile-cli');
    const bomb = writeConfig(
      dir,
      'bomb.yaml',
      `a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
`,
    );
    const out = join(dir, 'runs');
    const r = await runCli(['run', '--config', bomb, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bomb}: invalid configuration`);
    expect(r.stderr).toContain('line 2: not valid YAML: the aliases (*name) expand to more than 100 copies');

    const broken = writeConfig(dir, 'broken.yaml', `arms:\n  primary: { model: "${SECRET}\n`);
    const r2 = await runCli(['run', '--config', broken, '--out', out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/line \d+, column \d+: not valid YAML: /);
    expect(r2.stderr + r2.stdout).not.toContain('sk-proj');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
