import { encode } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { customScorer, rubric } from '../../src/scoring/compose';
import {
  countScripts,
  countTokensBounded,
  languageIs,
  lengthBounds,
  oneLine,
} from '../../src/scoring/formatRubrics';
import { isValidJson, jsonTextOf, matchesJsonSchema } from '../../src/scoring/jsonRubrics';
import { numericAnswer } from '../../src/scoring/numericAnswer';
import { levenshteinRatio, rougeL, tokenF1 } from '../../src/scoring/similarity';
import { normalizeText } from '../../src/scoring/text';
import { contains, exactMatch, notContains, regexMatch, startsWith } from '../../src/scoring/textRubrics';
import type { ScoreResult, Scorer } from '../../src/scoring/types';
import { call, failedCall, HOSTILE, item } from './helpers';

const PLAIN = { disallowedSpecial: new Set<string>() };

async function run(
  scorer: Scorer,
  output: string | undefined,
  reference?: string | number,
): Promise<ScoreResult> {
  return scorer.score(item(reference), call(output));
}

describe('normalizeText', () => {
  it('applies NFKC, case, punctuation and whitespace options', () => {
    expect(normalizeText('  Ｈｅｌｌｏ,\n\t World! ')).toBe('Hello, World!');
    expect(normalizeText('  Ｈｅｌｌｏ,\n World! ', { ignoreCase: true, stripPunctuation: true })).toBe(
      'hello world',
    );
    expect(normalizeText(' a  b ', { collapseWhitespace: false, trim: false })).toBe(' a  b ');
    expect(normalizeText('ﬁ', { nfkc: false })).toBe('ﬁ');
    expect(normalizeText('ﬁ')).toBe('fi');
    // Composed and decomposed Vietnamese compare equal after NFKC.
    expect(normalizeText('Hà Nội'.normalize('NFD'))).toBe('Hà Nội'.normalize('NFC'));
  });
});

describe('text rubrics', () => {
  it('exactMatch compares with the reference after normalisation', async () => {
    expect((await run(exactMatch(), ' Paris ', 'Paris')).score).toBe(1);
    expect((await run(exactMatch(), 'paris.', 'Paris')).score).toBe(0);
    const loose = exactMatch({ normalize: { ignoreCase: true, stripPunctuation: true } });
    expect(await run(loose, 'paris.', 'Paris')).toEqual({ score: 1, pass: true });
    expect((await run(exactMatch(), '４２', 42)).score).toBe(1); // NFKC: full-width digits
    expect((await run(exactMatch({ expected: ['Paris', 'Paris, France'] }), 'Paris, France')).score).toBe(1);
    const miss = await run(exactMatch(), 'Lyon', 'Paris');
    expect(miss.pass).toBe(false);
    expect(miss.reason).toContain('"Lyon"');
  });

  it('exactMatch without a reference throws a message naming the item (recorded as an error by scoreRun)', () => {
    expect(() => exactMatch().score(item(undefined, 'q7'), call('x'))).toThrow(
      /exactMatch: item q7 has no reference/,
    );
  });

  it('contains / notContains with all and any', async () => {
    const all = contains({ values: ['Hà Nội', 'Việt Nam'] });
    expect((await run(all, HOSTILE.vietnamese)).score).toBe(1);
    const r = await run(all, 'Hà Nội only');
    expect(r).toMatchObject({ score: 0, pass: false });
    expect(r.reason).toContain('Việt Nam');
    expect((await run(contains({ values: ['x', 'Hà Nội'], mode: 'any' }), 'Hà Nội only')).score).toBe(1);
    expect((await run(contains({ values: 'PARIS', normalize: { ignoreCase: true } }), 'paris')).score).toBe(
      1,
    );
    const noScript = notContains({ values: ['<script', 'onerror='], normalize: { ignoreCase: true } });
    expect((await run(noScript, HOSTILE.html)).score).toBe(0);
    expect((await run(noScript, 'plain text')).score).toBe(1);
    expect((await run(notContains({ values: ['<script', 'nope'], mode: 'any' }), HOSTILE.html)).score).toBe(
      1,
    );
    expect(() => contains({ values: [] })).toThrow(/contains: values: expected/);
  });

  it('regexMatch compiles once, ignores g/y state, and rejects a bad pattern at construction', async () => {
    const re = regexMatch({ pattern: /\d+/g });
    expect((await run(re, 'a 1')).score).toBe(1);
    expect((await run(re, 'a 1')).score).toBe(1); // not stateful
    expect((await run(regexMatch({ pattern: '^\\p{Lu}' }), 'Éa')).score).toBe(1); // default flag u
    expect((await run(regexMatch({ pattern: '^yes$', flags: 'i' }), 'YES')).score).toBe(1);
    expect((await run(regexMatch({ pattern: '^yes$' }), 'no')).reason).toMatch(/no match/);
    expect(() => regexMatch({ pattern: '(' })).toThrow(
      /regexMatch: pattern: expected a valid regular expression/,
    );
  });

  it('startsWith trims leading whitespace and accepts several prefixes', async () => {
    expect((await run(startsWith({ prefix: 'Yes' }), '  Yes, sure')).score).toBe(1);
    expect((await run(startsWith({ prefix: ['No', 'Yes'] }), 'No.')).score).toBe(1);
    expect((await run(startsWith({ prefix: 'Yes' }), 'yes')).score).toBe(0);
  });

  it('a failed call is never scored as a bad answer: asking for its output throws', () => {
    expect(() => exactMatch().score(item('x'), failedCall())).toThrow(
      /failed \(timeout\): failed calls are not scored/,
    );
  });
});

describe('JSON rubrics', () => {
  it('isValidJson parses the output, or its fenced block', async () => {
    expect((await run(isValidJson(), ' {"a": [1, 2]} ')).score).toBe(1);
    expect((await run(isValidJson(), '```json\n{"a": 1}\n```')).score).toBe(0);
    expect(
      (await run(isValidJson({ extractFenced: true }), 'Sure:\n```json\n{"a": 1}\n```\nDone')).score,
    ).toBe(1);
    expect((await run(isValidJson(), '{"a": 1')).reason).toMatch(/not valid JSON/);
    expect((await run(isValidJson(), '')).reason).toBe('empty output: not JSON');
  });

  it('jsonTextOf prefers a json block, falls back to an unlabelled one, then to the whole text', () => {
    expect(
      jsonTextOf('```python\nx=1\n```\n```\n[1]\n```\n```json\n{"b":2}\n```', { extractFenced: true }),
    ).toBe('{"b":2}');
    expect(jsonTextOf('```python\nx=1\n```\n```\n[1]\n```', { extractFenced: true })).toBe('[1]');
    expect(jsonTextOf('```json\n{"unclosed": 1}', { extractFenced: true })).toBe('```json\n{"unclosed": 1}');
  });

  it('matchesJsonSchema validates with ajv (draft-07 and 2020-12) and names the failing path', async () => {
    const schema = {
      type: 'object',
      required: ['answer'],
      properties: { answer: { type: 'number' }, unit: { type: 'string' } },
      additionalProperties: false,
    };
    const s = matchesJsonSchema(schema, { extractFenced: true });
    expect((await run(s, '```json\n{"answer": 18}\n```')).score).toBe(1);
    const bad = await run(s, '{"answer": "18"}');
    expect(bad).toMatchObject({ score: 0, pass: false });
    expect(bad.reason).toBe('schema: /answer must be number');
    expect((await run(s, '{"answer": 1, "x": 2}')).reason).toMatch(/additional properties/);
    const s2020 = matchesJsonSchema({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'array',
      prefixItems: [{ type: 'string' }, { type: 'number' }],
      items: false,
    });
    expect((await run(s2020, '["a", 1]')).score).toBe(1);
    expect((await run(s2020, '["a", 1, 2]')).score).toBe(0);
    expect(() => matchesJsonSchema({ type: 'nonsense' })).toThrow(
      /matchesJsonSchema: schema: expected a valid JSON Schema/,
    );
  });
});

describe('numericAnswer', () => {
  it('grades GSM8K-style final answers against the reference', async () => {
    const s = numericAnswer();
    expect(await run(s, 'She makes 9 * 2 = $18.\nA: 18', 18)).toMatchObject({ score: 1, pass: true });
    expect((await run(s, '#### 1,234.50', '1234.5')).score).toBe(1);
    expect((await run(s, 'The answer is $1,234.50.', 1234.5)).score).toBe(1);
    expect((await run(s, 'so \\boxed{18}', '#### 18')).score).toBe(1);
    expect((await run(s, 'A: 18 eggs.', 18)).score).toBe(1);
    expect((await run(s, 'A: 18.00', 18)).score).toBe(1);
    const wrong = await run(s, 'A: 26', 18);
    expect(wrong).toMatchObject({ score: 0, pass: false });
    expect(wrong.reason).toBe('answer: "26" → 26, expected 18');
  });

  it('strict by default: a truncated solution without a marker is wrong; strict: false takes the last number', async () => {
    expect((await run(numericAnswer(), 'so 9 * 2 = 18', 18)).reason).toMatch(/no final answer marker/);
    expect((await run(numericAnswer({ strict: false }), 'so 9 * 2 = 18', 18)).score).toBe(1);
  });

  it('tolerance', async () => {
    expect((await run(numericAnswer(), 'A: 3.14', Math.PI)).score).toBe(0);
    expect((await run(numericAnswer({ tolerance: { absolute: 0.01 } }), 'A: 3.14', Math.PI)).score).toBe(1);
    expect((await run(numericAnswer({ tolerance: { relative: 0.01 } }), 'A: 101', 100)).score).toBe(1);
    expect((await run(numericAnswer({ tolerance: { relative: 0.01 } }), 'A: 102', 100)).score).toBe(0);
    expect(() => numericAnswer({ tolerance: { absolute: -1 } })).toThrow(RangeError);
  });

  it('an item without a numeric reference is an error, not a score', () => {
    expect(() => numericAnswer().score(item('no digits', 'q3'), call('A: 1'))).toThrow(
      /numericAnswer: item q3: reference: expected a number/,
    );
    expect(() => numericAnswer().score(item(undefined, 'q3'), call('A: 1'))).toThrow(
      /reference: expected a number/,
    );
  });
});

describe('format rubrics', () => {
  it('countTokensBounded equals a plain encode for ordinary text and stops early', () => {
    const prose = 'The quick brown fox jumps over the lazy dog. Tiếng Việt có dấu, 中文字符 😀\n'.repeat(60);
    expect(countTokensBounded(prose)).toBe(encode(prose, PLAIN).length);
    expect(countTokensBounded('<|endoftext|>')).toBe(encode('<|endoftext|>', PLAIN).length);
    expect(countTokensBounded(prose, 10)).toBeLessThan(encode(prose, PLAIN).length);
    expect(countTokensBounded(prose, 10)).toBeGreaterThan(10);
    expect(countTokensBounded('')).toBe(0);
  });

  it('lengthBounds checks characters (code points) and tokens', async () => {
    expect((await run(lengthBounds({ maxChars: 3 }), '😀😀😀')).score).toBe(1); // 3 code points, 6 UTF-16 units
    expect((await run(lengthBounds({ maxChars: 3 }), 'abcd')).reason).toBe('4 chars > 3');
    expect((await run(lengthBounds({ minChars: 1 }), '')).reason).toBe('0 chars < 1');
    expect((await run(lengthBounds({ maxTokens: 2 }), 'hello world again')).reason).toBe(
      'more than 2 tokens',
    );
    expect((await run(lengthBounds({ minTokens: 2, maxTokens: 5 }), 'hello world')).score).toBe(1);
    expect(() => lengthBounds({})).toThrow(/expected at least one/);
    expect(() => lengthBounds({ maxChars: -1 })).toThrow(/maxChars: expected an integer >= 0/);
  });

  it('oneLine', async () => {
    expect((await run(oneLine(), '  one line \n')).score).toBe(1);
    expect((await run(oneLine(), 'a\r\nb')).reason).toBe('2 lines');
    expect((await run(oneLine(), 'a\u2028b')).score).toBe(0);
  });

  it('languageIs: script shares, with the Vietnamese, Japanese and no-letter cases', async () => {
    const vi = languageIs({ script: 'vietnamese' });
    expect((await run(vi, 'Thủ đô của Việt Nam là Hà Nội, một thành phố lớn.')).pass).toBe(true);
    expect((await run(vi, 'Thủ đô của Việt Nam là Hà Nội'.normalize('NFD'))).pass).toBe(true); // decomposed input
    expect((await run(vi, "C'est très élégant, à côté de la fenêtre.")).pass).toBe(false); // French: no ơ ư ạ …
    expect((await run(languageIs({ script: 'latin' }), "C'est très élégant.")).score).toBe(1);
    expect((await run(languageIs({ script: 'cyrillic' }), 'Столица России — Москва.')).pass).toBe(true);
    expect((await run(languageIs({ script: 'japanese' }), '日本の首都は東京です。')).pass).toBe(true);
    expect((await run(languageIs({ script: 'japanese' }), '中国的首都是北京。')).reason).toMatch(/no kana/);
    expect((await run(languageIs({ script: 'cjk' }), '中国的首都是北京。')).score).toBe(1);
    const mixed = await run(languageIs({ script: 'latin' }), 'abcd 中文');
    expect(mixed.score).toBeCloseTo(4 / 6, 12);
    expect(mixed.pass).toBe(false);
    expect(await run(languageIs({ script: 'latin' }), '🙂 42 !!')).toEqual({
      score: 0,
      pass: false,
      reason: 'no letters',
    });
    expect(() => languageIs({ script: 'klingon' as 'latin' })).toThrow(/unknown script/);
  });

  it('countScripts stops after maxLetters', () => {
    expect(countScripts('ab'.repeat(1000), 100).letters).toBe(100);
  });
});

describe('similarity', () => {
  it('levenshteinRatio = 1 − distance / longer length, in code points', async () => {
    expect((await run(levenshteinRatio(), 'sitting', 'kitten')).score).toBeCloseTo(1 - 3 / 7, 12);
    expect((await run(levenshteinRatio(), '😀a', '😀b')).score).toBe(0.5); // one edit over 2 code points
    expect((await run(levenshteinRatio(), '', '')).score).toBe(1);
    expect((await run(levenshteinRatio({ reference: ['xyz', 'kitten'] }), 'kitten')).score).toBe(1);
    const long = await run(levenshteinRatio({ maxChars: 10 }), 'a'.repeat(50), 'a'.repeat(40));
    expect(long.score).toBe(1);
    expect(long.reason).toMatch(/first 10 chars only/);
  });

  it('tokenF1 with SQuAD normalisation', async () => {
    // pred tokens [cat, sat, on, mat], gold [cat, on, mat]: P = 3/4, R = 1, F1 = 6/7.
    expect((await run(tokenF1(), 'The cat sat on the mat.', 'A cat on a mat')).score).toBeCloseTo(6 / 7, 12);
    expect((await run(tokenF1(), 'Paris!', 'paris')).score).toBe(1);
    expect((await run(tokenF1(), 'the', 'a')).score).toBe(1); // both empty after normalisation
    expect((await run(tokenF1(), '', 'x')).score).toBe(0);
    // CJK: one token per character: pred 北京 vs gold 北京市 → P 1, R 2/3, F1 0.8.
    expect((await run(tokenF1(), '北京', '北京市')).score).toBeCloseTo(0.8, 12);
  });

  it('rougeL is the LCS F-measure over tokens', async () => {
    // LCS(the cat sat on the mat, the cat is on the mat) = the cat on the mat = 5 of 6 each side.
    expect((await run(rougeL(), 'the cat sat on the mat', 'The cat is on the mat.')).score).toBeCloseTo(
      5 / 6,
      12,
    );
    // Vietnamese words are kept whole (rouge-score's [a-z0-9] tokenizer would drop the accented letters):
    // [thủ đô là hà nội] vs [hà nội là thủ đô]: LCS 2 (e.g. "hà nội"), P = R = 2/5.
    expect((await run(rougeL(), 'Thủ đô là Hà Nội', 'Hà Nội là thủ đô')).score).toBeCloseTo(0.4, 12);
    expect((await run(rougeL(), '', 'x')).score).toBe(0);
    const cut = await run(rougeL({ maxTokens: 3 }), 'a b c d e', 'a b c d e');
    expect(cut).toMatchObject({ score: 1 });
    expect(cut.reason).toMatch(/first 3 tokens only/);
  });
});

/** Every scorer against every hostile output: none throws, each gives a finite score in its scale. */
describe('hostile outputs', () => {
  const reference = 'Thủ đô của Việt Nam là Hà Nội. The answer is 42.';
  const scorers: Scorer[] = [
    exactMatch(),
    exactMatch({ name: 'exactLoose', normalize: { ignoreCase: true, stripPunctuation: true } }),
    contains({ values: ['Hà Nội', '42'] }),
    notContains({ values: ['<script'] }),
    regexMatch({ pattern: /\b42\b/ }),
    startsWith({ prefix: 'Thủ' }),
    isValidJson({ extractFenced: true }),
    matchesJsonSchema({ type: 'object', required: ['a'] }, { extractFenced: true }),
    numericAnswer({ expected: 42 }),
    numericAnswer({ name: 'numericLoose', expected: 42, strict: false }),
    lengthBounds({ minChars: 1, maxChars: 100_000, minTokens: 1, maxTokens: 4096 }),
    oneLine(),
    languageIs({ script: 'vietnamese' }),
    languageIs({ name: 'cjk', script: 'cjk' }),
    levenshteinRatio(),
    tokenF1(),
    rougeL(),
    rubric({
      name: 'composite',
      checks: [
        { scorer: notContains({ values: ['<script'] }), weight: 1, required: true },
        { scorer: rougeL(), weight: 2 },
        { scorer: numericAnswer({ expected: 42, strict: false }), weight: 1 },
      ],
      passThreshold: 0.5,
    }),
    customScorer('length', (_i, r) => ({ score: Math.min(1, (r.content ?? '').length / 1000) })),
  ];
  for (const [label, output] of Object.entries(HOSTILE)) {
    it(`${label} (${output.length} chars)`, async () => {
      for (const s of scorers) {
        const t0 = performance.now();
        const r = await s.score(item(reference), call(output));
        const ms = performance.now() - t0;
        expect(Number.isFinite(r.score), `${s.name} on ${label}`).toBe(true);
        expect(r.score, `${s.name} on ${label}`).toBeGreaterThanOrEqual(0);
        expect(r.score, `${s.name} on ${label}`).toBeLessThanOrEqual(1);
        expect(ms, `${s.name} on ${label} took ${ms} ms`).toBeLessThan(2000);
        if (r.reason !== undefined) expect(typeof r.reason).toBe('string');
      }
    });
  }
  it('content undefined on a successful call is the empty output', async () => {
    for (const s of scorers) {
      const r = await s.score(item(reference), call(undefined));
      expect(Number.isFinite(r.score), s.name).toBe(true);
    }
  });
});
