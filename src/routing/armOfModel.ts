/** The arm of a log line or span by its model, when nothing logged says it: the one rule every log reader uses. */
import type { Arm } from '../types';

/** The model of each arm, as the user names them (--primary-model / --canary-model). */
export interface ModelArms {
  primaryModel?: string;
  canaryModel?: string;
}

/**
 * `primaryModel` → primary, `canaryModel` → canary; with only one of them named, every other model is the
 * other arm; with both named, any other model is undefined. With neither named: undefined (the reader may
 * learn the model's arm from lines that logged it).
 *
 * @example
 * armOfModel('gpt-4.1-mini', { primaryModel: 'gpt-4.1' }); // => 'canary'
 */
export function armOfModel(model: string, rules: ModelArms): Arm | undefined {
  const { primaryModel: p, canaryModel: c } = rules;
  if (p !== undefined && model === p) return 'primary';
  if (c !== undefined && model === c) return 'canary';
  if (p !== undefined && c === undefined) return 'canary';
  if (c !== undefined && p === undefined) return 'primary';
  return undefined;
}

/** Whether either model is named (then an unplaced model stays unplaced instead of being learned). */
export function namesAModel(rules: ModelArms): boolean {
  return rules.primaryModel !== undefined || rules.canaryModel !== undefined;
}
