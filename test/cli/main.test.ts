import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');

describe('canarylab CLI (npm start)', () => {
  it('prints the offline analysis of the bundled data with no key and no network', () => {
    const out = execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, OPENAI_API_KEY: '' },
      },
    );
    // Numbers checked against the Python reference in test/analysis/offlineSummaries.test.ts; here the table.
    expect(out).toMatch(/175b_verification\s+742\/1,319\s+56\.3%\s+\[53\.6%, 58\.9%\]/);
    expect(out).toMatch(/lepton_70b\s+150\s+13\.3%\s+\[8\.8%, 19\.7%\]/);
    expect(out).toContain('429×130');
  });

  it('rejects an unknown command with exit code 2 and the usage', () => {
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'src/cli/main.ts', 'bogus'],
        {
          cwd: ROOT,
          encoding: 'utf8',
          stdio: 'pipe',
        },
      );
      expect.fail('should have exited non-zero');
    } catch (e) {
      const err = e as { status: number; stderr: string };
      expect(err.status).toBe(2);
      expect(err.stderr).toContain("unknown command 'bogus'");
    }
  });
});
