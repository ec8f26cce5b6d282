import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { cyrb53 } from '../../src/routing/cyrb53';

// The oracle: the playbook's own cyrb53, copied verbatim into test/fixtures/playbook-cyrb53.js.
const { cyrb53: playbook } = createRequire(__filename)('../fixtures/playbook-cyrb53.js') as {
  cyrb53: (s: string, seed?: number) => number;
};

describe('cyrb53 equals the rollout playbook router hash', () => {
  const ids = [
    '',
    'a',
    'user-42',
    'revenge',
    'Người dùng số 7',
    '用户😀',
    'ñ'.repeat(3),
    'x'.repeat(1000),
    Array.from({ length: 1000 }, (_, i) => String.fromCharCode(32 + (i % 9000))).join(''),
  ];
  it.each(ids.map((id) => [id.length > 30 ? `${id.slice(0, 20)}…(${id.length})` : JSON.stringify(id), id]))(
    '%s',
    (_label, id) => {
      for (const seed of [0, 1, 0xdeadbeef]) expect(cyrb53(id, seed)).toBe(playbook(id, seed));
    },
  );

  it('reproduces the published values of the original (bryc) cyrb53', () => {
    // Values published with cyrb53 by its author: 'a' → 7929297801672961, 'b' → 8684336938537663,
    // 'revenge' → 4051478007546757, 'revenue' → 8309097637345594, ('revenue', seed 1) → 8697026808958300.
    expect(cyrb53('a')).toBe(7929297801672961);
    expect(cyrb53('b')).toBe(8684336938537663);
    expect(cyrb53('revenge')).toBe(4051478007546757);
    expect(cyrb53('revenue')).toBe(8309097637345594);
    expect(cyrb53('revenue', 1)).toBe(8697026808958300);
  });

  it('stays within 53 bits', () => {
    for (let i = 0; i < 1000; i++) expect(Number.isSafeInteger(cyrb53(`id-${i}`))).toBe(true);
  });
});
