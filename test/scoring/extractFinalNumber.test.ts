import { describe, expect, it } from 'vitest';
import { extractFinalAnswer, extractFinalNumber, numbersMatch } from '../../src/scoring/extractFinalNumber';

describe('extractFinalNumber', () => {
  it.each([
    ['She makes 9 * 2 = $18 a day.\n#### 18', 18],
    ['#### 1,450,000', 1450000],
    ['Janet sells 16 - 3 - 4 = <<16-3-4=9>>9 duck eggs a day.\nA: 18', 18],
    ['The answer is $1,234.50.', 1234.5],
    ['so x = \\boxed{42}', 42],
    ['Answer: -7 degrees', -7],
    ['Final answer: 12.5%', 12.5],
    ['A: 7/14', 0.5],
    ['A: -1.8 billion', -1.8e9],
    ["A: 10+John's age", 10],
    ['He has 3 apples and buys 4 more, so 7 apples.', 7],
    ['first #### 3 then #### 4', 4],
    ['A: 26\nlater text mentions 99', 26],
    ['The answer is .5', 0.5],
  ] as const)('%j → %d', (text, want) => {
    expect(extractFinalNumber(text)).toBe(want);
  });

  it('returns null when there is no number, and in strict mode when there is no answer marker', () => {
    expect(extractFinalNumber('no digits here')).toBeNull();
    expect(extractFinalNumber('truncated at 5 * 1', { strict: true })).toBeNull();
    expect(extractFinalNumber('truncated at 5 * 1')).toBe(1);
    expect(extractFinalNumber(undefined as unknown as string)).toBeNull();
  });

  it('numbersMatch compares numerically', () => {
    expect(numbersMatch(18, 18.0)).toBe(true);
    expect(numbersMatch(0.1 + 0.2, 0.3)).toBe(true);
    expect(numbersMatch(18, 19)).toBe(false);
    expect(numbersMatch(null, 1)).toBe(false);
  });
});

describe('extractFinalAnswer', () => {
  it('says which marker the answer came from and how it was written', () => {
    expect(extractFinalAnswer('9 * 2 = 18\nA: $18.')).toEqual({ value: 18, marker: 'answer:', text: '$18' });
    expect(extractFinalAnswer('#### 1,450,000')).toEqual({
      value: 1450000,
      marker: '####',
      text: '1,450,000',
    });
    expect(extractFinalAnswer('x = \\boxed{42}')?.marker).toBe('boxed');
    expect(extractFinalAnswer('So the answer is 7 apples.')?.marker).toBe('the answer is');
    expect(extractFinalAnswer('ends with 3 / 4')).toEqual({
      value: 0.75,
      marker: 'last number',
      text: '3 / 4',
    });
    expect(extractFinalAnswer('ends with 3 / 4', { strict: true })).toBeNull();
    expect(extractFinalAnswer('A:\n18')?.value).toBe(18);
  });

  it('runs in linear time on hostile 1 MB inputs (the old patterns were quadratic: 4 KB of newlines took ~20 s)', () => {
    const MB = 1 << 20;
    const inputs = [
      '\n'.repeat(MB),
      ' '.repeat(MB),
      `1${' '.repeat(MB)}`,
      `the${' '.repeat(MB)}`,
      `\nA${' '.repeat(MB)}`,
      '#'.repeat(MB),
      `\\boxed{${'x'.repeat(MB)}`,
      '1,'.repeat(MB / 2),
      '- '.repeat(MB / 2),
      '\nA:'.repeat(MB / 4),
      '9'.repeat(MB),
    ];
    for (const text of inputs) {
      const t0 = performance.now();
      extractFinalAnswer(text);
      extractFinalAnswer(text, { strict: true });
      expect(performance.now() - t0, JSON.stringify(text.slice(0, 12))).toBeLessThan(500);
    }
  });
});
