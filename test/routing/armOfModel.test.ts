// armOfModel: the one rule the three log readers (routing/logs, logs/assemble, logs/otlpSpan) use to place a
// model when the line does not say its arm. Expected arms written by hand from the rule in its JSDoc.
import { describe, expect, it } from 'vitest';
import { armOfModel, namesAModel } from '../../src/routing/armOfModel';

describe('armOfModel', () => {
  it('both models named: each is its arm, any other model is unplaced', () => {
    const rules = { primaryModel: 'gpt-4.1', canaryModel: 'gpt-4.1-mini' };
    expect(armOfModel('gpt-4.1', rules)).toBe('primary');
    expect(armOfModel('gpt-4.1-mini', rules)).toBe('canary');
    expect(armOfModel('claude', rules)).toBeUndefined();
    expect(namesAModel(rules)).toBe(true);
  });

  it('only one named: every other model is the other arm', () => {
    expect(armOfModel('gpt-4.1', { primaryModel: 'gpt-4.1' })).toBe('primary');
    expect(armOfModel('anything', { primaryModel: 'gpt-4.1' })).toBe('canary');
    expect(armOfModel('gpt-4.1-mini', { canaryModel: 'gpt-4.1-mini' })).toBe('canary');
    expect(armOfModel('anything', { canaryModel: 'gpt-4.1-mini' })).toBe('primary');
  });

  it('none named: unplaced, and the readers may learn the arm from routedTo', () => {
    expect(armOfModel('gpt-4.1', {})).toBeUndefined();
    expect(namesAModel({})).toBe(false);
  });
});
