import { describe, expect, it } from 'vitest';
import { runCli } from './cliHelpers';

describe('canarylab demo-data', () => {
  it('prints the offline analysis of the bundled data with no key and no network', async () => {
    const r = await runCli(['demo-data'], { env: { OPENAI_API_KEY: '' } });
    expect(r.code).toBe(0);
    // Numbers checked against the Python reference in test/analysis/offlineSummaries.test.ts; here the table.
    expect(r.stdout).toMatch(/175b_verification\s+742\/1,319\s+56\.3%\s+\[53\.6%, 58\.9%\]/);
    expect(r.stdout).toMatch(/lepton_70b\s+150\s+13\.3%\s+\[8\.8%, 19\.7%\]/);
    expect(r.stdout).toContain('429×130');
  });
});
