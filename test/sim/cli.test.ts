import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { readSimConfigFile, runSimCommand } from '../../src/sim/cli';
import { resolveSimConfig } from '../../src/sim/config';

function sink() {
  let text = '';
  return {
    write: (s: string) => (text += s),
    get text() {
      return text;
    },
  };
}

describe('canarylab sim', () => {
  it('runs from a YAML config (paths relative to the file), serves, and stops on the signal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-sim-'));
    const file = join(dir, 'sim.yaml');
    writeFileSync(
      file,
      [
        'seed: 3',
        'models:',
        '  replay:',
        `    latency: { trace: ${JSON.stringify(join(process.cwd(), 'datasets/llmperf/groq_70b.json'))} }`,
        '    timeScale: 0.01',
        '  fast:',
        '    latency: { p50Ms: 1, p95Ms: 2 }',
      ].join('\n'),
    );
    const out = sink();
    const ac = new AbortController();
    let base = '';
    const done = runSimCommand(['--config', file, '--port', '0'], {
      stdout: out,
      stderr: out,
      signal: ac.signal,
      onListening: (info) => {
        base = info.baseURL;
      },
    });
    await expect.poll(() => base).not.toBe('');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await request(`${base}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'replay', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.statusCode).toBe(200);
    await res.body.json();
    ac.abort();
    expect(await done).toBe(0);
    expect(out.text).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/v1 \(models: replay, fast\)/);
    expect(out.text).toMatch(/stopped after 1 requests/);
  });

  it('exits 2 on a bad config, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'canarylab-sim-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ models: { m: { faults: { meteor: 0.5 } } } }));
    const err = sink();
    expect(await runSimCommand(['--config', file], { stdout: sink(), stderr: err })).toBe(2);
    expect(err.text).toMatch(/models\.m\.faults.*meteor/);
    const err2 = sink();
    expect(
      await runSimCommand(['--config', join(dir, 'missing.json')], { stdout: sink(), stderr: err2 }),
    ).toBe(2);
    expect(err2.text).toContain(`--config: ${join(dir, 'missing.json')}: cannot read the file (ENOENT)`);
    // A syntax error is located (the one settings reader, input/yamlSource.ts): the unclosed flow sequence
    // that starts on line 3 is reported at the end of the text, line 4 (the yaml parser's position), column 1.
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'models:\n  m:\n    latency: [1, 2\n');
    const err3 = sink();
    expect(await runSimCommand(['--config', broken], { stdout: sink(), stderr: err3 })).toBe(2);
    expect(err3.text).toContain(`--config: ${broken}: line 4, column 1: not valid YAML`);
    expect(await runSimCommand(['--bogus'], { stdout: sink(), stderr: sink() })).toBe(2);
  });

  it('the shipped example config is valid', async () => {
    const cfg = resolveSimConfig(await readSimConfigFile('datasets/sim.example.json'));
    expect([...cfg.models.keys()]).toContain('llama-70b-together');
    expect(cfg.models.get('llama-70b-together')?.latency.type).toBe('trace');
    expect(cfg.host).toBe('127.0.0.1');
  });
});
