/**
 * The fuzzer's judge must itself be able to fail: unlocated errors of each kind are rejected, located ones
 * accepted, and a repeated secret is noticed (negative controls for ./located.ts).
 */
import { describe, expect, it } from 'vitest';
import { RunFolderError } from '../../src/analysis/loadRun';
import { ConfigError } from '../../src/input/schemaErrors';
import { ProductionLogError } from '../../src/routing/logs';
import { echoesSecret, SECRET, whyNotLocated } from './located';

const F = '/tmp/x/eval.yaml';

describe('whyNotLocated', () => {
  it('accepts located errors of each kind', () => {
    expect(
      whyNotLocated(
        new ConfigError(F, ['arms.canary.model (line 6): required (expected a string)']),
        'settings',
        [F],
      ),
    ).toBeUndefined();
    expect(
      whyNotLocated(
        new ConfigError(F, ['line 3, column 1: not valid YAML: the indentation is wrong here']),
        'settings',
        [F],
      ),
    ).toBeUndefined();
    expect(
      whyNotLocated(
        new RunFolderError('RUN_BAD_RECORD', F, `${F}:2: costUsd: expected a number of USD >= 0, got -1`),
        'runFolder',
        [F],
      ),
    ).toBeUndefined();
    expect(
      whyNotLocated(new TypeError(`${F}:4: prompt: expected a string (or a messages array)`), 'dataset', [F]),
    ).toBeUndefined();
    const log = new ProductionLogError({
      code: 'CANARYLAB_ERR_LOG_LINE',
      file: F,
      line: 7,
      field: 'latency',
      expected: 'expected a number',
    });
    expect(whyNotLocated(log, 'logs', [F])).toBeUndefined();
  });

  it('rejects crashes, errors without a line, and errors naming another file', () => {
    expect(whyNotLocated(new RangeError('Invalid time value'), 'logs', [F])).toMatch(
      /RangeError instead of ProductionLogError/,
    );
    expect(
      whyNotLocated(new TypeError("Cannot read properties of undefined (reading 'x')"), 'dataset', [F]),
    ).toMatch(/not located/);
    expect(whyNotLocated(new ConfigError(F, ['arms.canary.model: required']), 'settings', [F])).toMatch(
      /issue without a line/,
    );
    expect(whyNotLocated(new ConfigError('/other.yaml', ['x (line 1): y']), 'settings', [F])).toMatch(
      /does not start with the file/,
    );
    expect(
      whyNotLocated(new RunFolderError('RUN_BAD_RECORD', F, `${F}: something`), 'runFolder', [F]),
    ).toMatch(/not located/);
    expect(whyNotLocated(new SyntaxError(`${F}:?: not valid CSV (x)`), 'dataset', [F])).toMatch(
      /not located/,
    );
    const noLine = new ProductionLogError({
      code: 'CANARYLAB_ERR_LOG_LINE',
      file: F,
      line: 0,
      field: 'x',
      expected: 'y',
    });
    expect(whyNotLocated(noLine, 'logs', [F])).toMatch(/without a line/);
    expect(whyNotLocated('boom', 'logs', [F])).toMatch(/non-Error/);
  });
});

describe('echoesSecret', () => {
  it('notices 33 consecutive characters of the secret, not 32, and not in a line naming a configured path', () => {
    expect(echoesSecret(`got "${SECRET}"`)).toBe(true);
    expect(echoesSecret(`got "${SECRET.slice(5, 38)}"`)).toBe(true);
    expect(echoesSecret(`got "${SECRET.slice(5, 37)}"`)).toBe(false);
    expect(echoesSecret(`dataset.path (line 3): file not found: /tmp/${SECRET}`)).toBe(false);
  });
});
