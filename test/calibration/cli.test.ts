import { describe, expect, it } from 'vitest';
import { startCli } from '../cli/cliHelpers';

describe('canarylab calibrate (the real CLI in its own process)', () => {
  it('prints the verdict table of the scenarios asked for', async () => {
    const r = await startCli([
      'calibrate',
      '--runs',
      '3',
      '--scenarios',
      'worse8',
      '--sizes',
      '1319',
      '--look-size',
      '0',
    ]).done;
    expect(r.code).toBe(0);
    // Quality 8 points worse is held in every run (the important quality gate fails): 3 of 3, Wilson [43.9, 100].
    expect(r.stdout).toContain(
      '| quality 8 points worse | n = 1,319 | 0.0% [0.0, 56.1] | 100.0% [43.9, 100.0] |',
    );
    expect(r.stdout).toContain('no sequential monitoring');
    expect(r.stderr).toContain('quality 8 points worse | n = 1,319: promote 0/3');
  }, 60_000);

  it('rejects an unknown scenario, naming the known ones', async () => {
    const r = await startCli(['calibrate', '--scenarios', 'nope']).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--scenarios: unknown scenario 'nope' (known: identical, better5,");
  }, 60_000);
});
