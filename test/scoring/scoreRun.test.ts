import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { customScorer } from '../../src/scoring/compose';
import { lengthBounds } from '../../src/scoring/formatRubrics';
import { loadScores, redactSecrets, scoreRun } from '../../src/scoring/scoreRun';
import { rougeL } from '../../src/scoring/similarity';
import { contains, exactMatch } from '../../src/scoring/textRubrics';
import { ScorerError } from '../../src/scoring/types';
import type { CallRecord, EvalItem, ScoreRecord } from '../../src/types';
import { call, failedCall, HOSTILE } from './helpers';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'canarylab-score-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const items: EvalItem[] = ['q1', 'q2', 'q3'].map((id, i) => ({
  id,
  messages: [{ role: 'user', content: `question ${i}` }],
  reference: `answer ${i}`,
}));

function writeCalls(records: CallRecord[], tail = ''): void {
  writeFileSync(join(dir, 'calls.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join('') + tail);
}

function scoreLines(): ScoreRecord[] {
  return readFileSync(join(dir, 'scores.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l));
}

function keyOf(r: ScoreRecord): string {
  return `${r.itemId}/${r.arm}/${r.repeat}/${r.scorer}`;
}

/** 3 items × 2 arms × 2 repeats = 12 calls; q2/canary/0 failed. */
function runCalls(): CallRecord[] {
  const out: CallRecord[] = [];
  for (const [i, it] of items.entries()) {
    for (const arm of ['primary', 'canary'] as const) {
      for (const repeat of [0, 1]) {
        const base = { runId: 'run-1', itemId: it.id, arm, repeat };
        if (it.id === 'q2' && arm === 'canary' && repeat === 0) out.push(failedCall(base));
        else out.push(call(arm === 'primary' ? `answer ${i}` : `Answer ${i}!`, base));
      }
    }
  }
  return out;
}

const throwing = customScorer('throws', () => {
  throw new Error('judge HTTP 401: Authorization: Bearer sk-abcdefghijklmnop rejected');
});
const nan = customScorer('nan', () => ({ score: Number.NaN }));

describe('scoreRun', () => {
  it('resumes: skips what is scored, cuts a torn last line, never scores failed calls, one record per key', async () => {
    writeCalls(runCalls());
    const scorers = [
      exactMatch(),
      contains({ values: 'answer', normalize: { ignoreCase: true } }),
      throwing,
      nan,
    ];
    // A previous run scored two pairs, then crashed in the middle of writing a third line.
    const previous: ScoreRecord[] = [
      { runId: 'run-1', itemId: 'q1', arm: 'primary', repeat: 0, scorer: 'exactMatch', score: 1, pass: true },
      { runId: 'run-1', itemId: 'q3', arm: 'canary', repeat: 1, scorer: 'contains', score: 1, pass: true },
    ];
    writeFileSync(
      join(dir, 'scores.jsonl'),
      `${previous.map((r) => JSON.stringify(r)).join('\n')}\n{"runId":"run-1","itemId":"q1","arm":"can`,
    );
    const warnings: string[] = [];
    const first = await scoreRun({ runDir: dir, items, scorers, onWarning: (m) => warnings.push(m) });
    // 11 successful calls × 4 scorers = 44 pairs; 2 were done; the failed call is excluded.
    expect(first).toMatchObject({ calls: 12, skipped: 2, excludedFailedCalls: 1, scored: 20, errors: 22 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/scores\.jsonl:3: dropped a torn last line/);
    expect(first.warnings).toEqual(warnings);

    const second = await scoreRun({ runDir: dir, items, scorers, onWarning: (m) => warnings.push(m) });
    expect(second).toMatchObject({ calls: 12, skipped: 44, excludedFailedCalls: 1, scored: 0, errors: 0 });
    expect(warnings).toHaveLength(1);

    const lines = scoreLines(); // every line parses: the torn one is gone
    expect(lines).toHaveLength(44);
    expect(new Set(lines.map(keyOf)).size).toBe(44);
    expect(lines.some((r) => r.itemId === 'q2' && r.arm === 'canary' && r.repeat === 0)).toBe(false);
    // Exact match: primary says `answer i` (1), canary `Answer i!` (0).
    const em = lines.filter((r) => r.scorer === 'exactMatch');
    expect(em.filter((r) => r.arm === 'primary').every((r) => r.score === 1)).toBe(true);
    expect(em.filter((r) => r.arm === 'canary').every((r) => r.score === 0)).toBe(true);
    // Errors are recorded as errors: score null, the message kept, secrets redacted.
    const thrown = lines.filter((r) => r.scorer === 'throws');
    expect(thrown.every((r) => r.score === null && r.pass === undefined)).toBe(true);
    expect(thrown[0].error).toMatch(/^judge HTTP 401: Authorization: .*\[redacted\] rejected$/);
    expect(thrown[0].error).not.toMatch(/sk-|abcdefghijklmnop/);
    expect(lines.find((r) => r.scorer === 'nan')?.error).toBe(
      'scorer returned score NaN; expected a finite number',
    );
    expect(await loadScores(dir)).toHaveLength(44);
  });

  it('drops a torn last line of calls.jsonl with a warning, and fails on a bad line in the middle', async () => {
    writeCalls([call('answer 0', { itemId: 'q1' })], '{"runId":"run-1","itemId":"q2","ar');
    const warnings: string[] = [];
    const s = await scoreRun({
      runDir: dir,
      items,
      scorers: [exactMatch()],
      onWarning: (m) => warnings.push(m),
    });
    expect(s).toMatchObject({ calls: 1, scored: 1 });
    expect(warnings[0]).toMatch(/calls\.jsonl:2: dropped a torn last line/);
    writeCalls([call('x', { itemId: 'q1' })], 'not json\n{"also": "later"}\n');
    await expect(scoreRun({ runDir: dir, items, scorers: [exactMatch()] })).rejects.toThrow(
      /calls\.jsonl:2: not valid JSON/,
    );
  });

  it('the last record of a call wins (a resumed runner retried it)', async () => {
    writeCalls([
      failedCall({ itemId: 'q1' }),
      call('answer 0', { itemId: 'q1' }),
      call('answer 1', { itemId: 'q2' }),
      failedCall({ itemId: 'q2' }),
    ]);
    const s = await scoreRun({ runDir: dir, items, scorers: [exactMatch()] });
    expect(s).toMatchObject({ calls: 2, scored: 1, excludedFailedCalls: 1 });
    expect(scoreLines().map((r) => r.itemId)).toEqual(['q1']);
  });

  it('names the file, line and field of a malformed call, an unknown item, and refuses repeated scorer names', async () => {
    writeCalls([call('x', { itemId: 'q1' }), { ...call('x'), arm: 'blue' as 'primary' }]);
    await expect(scoreRun({ runDir: dir, items, scorers: [exactMatch()] })).rejects.toThrow(
      /calls\.jsonl:2: arm: expected 'primary' or 'canary', got "blue"/,
    );
    writeCalls([call('x', { itemId: 'nope' })]);
    await expect(scoreRun({ runDir: dir, items, scorers: [exactMatch()] })).rejects.toThrow(
      /calls\.jsonl:1: itemId: "nope" is not among the 3 items/,
    );
    await expect(scoreRun({ runDir: dir, items, scorers: [exactMatch(), exactMatch()] })).rejects.toThrow(
      /scorers\[1\]\.name: "exactMatch" is used twice/,
    );
    await expect(scoreRun({ runDir: join(dir, 'missing'), items, scorers: [] })).rejects.toThrow(/not found/);
  });

  it('fails on a malformed score line that is not the last', async () => {
    writeCalls([call('answer 0', { itemId: 'q1' })]);
    writeFileSync(
      join(dir, 'scores.jsonl'),
      '{"broken\n{"runId":"r","itemId":"q1","arm":"primary","scorer":"x","score":1}\n',
    );
    await expect(scoreRun({ runDir: dir, items, scorers: [exactMatch()] })).rejects.toThrow(
      /scores\.jsonl:1: not valid JSON/,
    );
  });

  it('appends after a last line without a newline', async () => {
    writeCalls([call('answer 0', { itemId: 'q1' }), call('answer 1', { itemId: 'q2' })]);
    const done: ScoreRecord = {
      runId: 'test-run',
      itemId: 'q1',
      arm: 'primary',
      repeat: 0,
      scorer: 'exactMatch',
      score: 1,
    };
    writeFileSync(join(dir, 'scores.jsonl'), JSON.stringify(done));
    const s = await scoreRun({ runDir: dir, items, scorers: [exactMatch()] });
    expect(s).toMatchObject({ scored: 1, skipped: 1 });
    expect(scoreLines().map((r) => r.itemId)).toEqual(['q1', 'q2']);
  });

  it('retryErrors scores failed scorer calls again; loadScores then prefers the score', async () => {
    writeCalls([call('answer 0', { itemId: 'q1' })]);
    let attempts = 0;
    const flaky = customScorer('flaky', () => {
      attempts++;
      if (attempts === 1)
        throw new ScorerError('verdict not parseable', { judge: { model: 'judge-1', rawVerdict: 'hmm' } });
      return { score: 7, judge: { model: 'judge-1', rawVerdict: '[[7]]' } };
    });
    expect(await scoreRun({ runDir: dir, items, scorers: [flaky] })).toMatchObject({ errors: 1 });
    expect(scoreLines()[0]).toMatchObject({
      score: null,
      error: 'verdict not parseable',
      judge: { rawVerdict: 'hmm' },
    });
    expect(await scoreRun({ runDir: dir, items, scorers: [flaky] })).toMatchObject({ skipped: 1, errors: 0 });
    expect(await scoreRun({ runDir: dir, items, scorers: [flaky], retryErrors: true })).toMatchObject({
      scored: 1,
    });
    expect(scoreLines()).toHaveLength(2);
    const loaded = await loadScores(dir);
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toMatchObject({ score: 7, judge: { model: 'judge-1', rawVerdict: '[[7]]' } });
    expect(await scoreRun({ runDir: dir, items, scorers: [flaky], retryErrors: true })).toMatchObject({
      skipped: 1,
    });
  });

  it('runs async scorers with bounded concurrency and reports progress', async () => {
    const calls = Array.from({ length: 20 }, (_, i) => call('answer 0', { itemId: 'q1', repeat: i }));
    writeCalls(calls);
    let inFlight = 0;
    let peak = 0;
    const slow = customScorer('slow', async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { score: 1 };
    });
    const seen: number[] = [];
    const s = await scoreRun({
      runDir: dir,
      items,
      scorers: [slow],
      concurrency: 3,
      onProgress: (p) => seen.push(p.scored),
    });
    expect(s.scored).toBe(20);
    expect(peak).toBe(3);
    expect(seen.at(-1)).toBe(20);
  });

  it('an abort stops scheduling; what finished is written and a rerun completes the rest', async () => {
    writeCalls(Array.from({ length: 10 }, (_, i) => call('answer 0', { itemId: 'q1', repeat: i })));
    const ac = new AbortController();
    let n = 0;
    const s = customScorer('s', async () => {
      if (++n === 3) ac.abort(new Error('stop'));
      return { score: 1 };
    });
    await expect(
      scoreRun({ runDir: dir, items, scorers: [s], concurrency: 1, signal: ac.signal }),
    ).rejects.toThrow('stop');
    expect(scoreLines()).toHaveLength(3);
    expect(await scoreRun({ runDir: dir, items, scorers: [s] })).toMatchObject({ skipped: 3, scored: 7 });
  });

  it('loadScores keeps one record per key and drops a torn tail without modifying the file', async () => {
    const r = (scorer: string, score: number | null): ScoreRecord => ({
      runId: 'r',
      itemId: 'q1',
      arm: 'primary',
      repeat: 0,
      scorer,
      score,
      ...(score === null ? { error: 'x' } : {}),
    });
    const text = [r('a', null), r('a', 0.5), r('a', 0.9), r('b', null), r('b', null)]
      .map((x) => JSON.stringify(x))
      .join('\n');
    writeFileSync(join(dir, 'scores.jsonl'), `${text}\n{"torn`);
    const warnings: string[] = [];
    const loaded = await loadScores(dir, { onWarning: (m) => warnings.push(m) });
    expect(loaded.map((x) => [x.scorer, x.score])).toEqual([
      ['a', 0.5],
      ['b', null],
    ]);
    expect(warnings).toHaveLength(2); // torn line, duplicate
    expect(readFileSync(join(dir, 'scores.jsonl'), 'utf8').endsWith('{"torn')).toBe(true);
  });

  it('hostile outputs go through the whole path: every record is a finite score or a recorded error', async () => {
    const hostileItems: EvalItem[] = Object.keys(HOSTILE).map((id) => ({
      id,
      messages: [],
      reference: 'Hà Nội',
    }));
    hostileItems.push({ id: 'no-reference', messages: [] });
    writeCalls([
      ...Object.entries(HOSTILE).map(([id, content]) => call(content, { itemId: id })),
      call('x', { itemId: 'no-reference' }),
    ]);
    const t0 = performance.now();
    const s = await scoreRun({
      runDir: dir,
      items: hostileItems,
      scorers: [exactMatch(), contains({ values: 'Hà Nội' }), rougeL(), lengthBounds({ maxTokens: 1000 })],
    });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(s.errors).toBe(2); // exactMatch and rougeL on the item without a reference
    expect(s.scored + s.errors).toBe(4 * hostileItems.length);
    const loaded = await loadScores(dir);
    expect(loaded).toHaveLength(4 * hostileItems.length);
    for (const r of loaded) {
      expect(r.score === null ? typeof r.error : Number.isFinite(r.score), keyOf(r)).toBe(
        r.score === null ? 'string' : true,
      );
    }
  });

  it('redactSecrets', () => {
    expect(redactSecrets('key sk-proj-AbC123456789xyz and api_key=abc123&x=1 and "x-api-key": "k-999"')).toBe(
      'key [redacted] and api_key=[redacted]&x=1 and "x-api-key": "[redacted]"',
    );
  });
});
