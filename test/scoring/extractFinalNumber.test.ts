import { describe, expect, it } from 'vitest';
import { extractFinalNumber, numbersMatch } from '../../src/scoring/extractFinalNumber';

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
