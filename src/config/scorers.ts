/**
 * Turns the `scorers:` section of an eval config into Scorers (the rubric factories of src/scoring).
 * Building them is also how their options are checked: a factory that rejects its options becomes a
 * ConfigError naming `scorers[i]`.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Locate } from '../input/schemaErrors';
import { ConfigError, formatPath } from '../input/schemaErrors';
import { languageIs, lengthBounds, oneLine, type ScriptName } from '../scoring/formatRubrics';
import { isValidJson, matchesJsonSchema } from '../scoring/jsonRubrics';
import { numericAnswer } from '../scoring/numericAnswer';
import { levenshteinRatio, rougeL, tokenF1 } from '../scoring/similarity';
import { contains, exactMatch, notContains, regexMatch, startsWith } from '../scoring/textRubrics';
import type { Scorer } from '../scoring/types';
import type { EvalConfig, ScorerConfig } from './schema';
import type { LoadedEvalConfig } from './types';

/** Adds `pass` (score ≥ passAt) to a scoring-only scorer. */
function withPassAt(scorer: Scorer, passAt: number | undefined): Scorer {
  if (passAt === undefined) return scorer;
  return {
    name: scorer.name,
    kind: scorer.kind,
    async score(item, record, ctx) {
      const r = await scorer.score(item, record, ctx);
      return { ...r, pass: r.score >= passAt };
    },
  };
}

function schemaOf(loaded: Pick<LoadedEvalConfig, 'baseDir'>, s: string | Record<string, unknown>): object {
  if (typeof s !== 'string') return s;
  const file = isAbsolute(s) ? s : resolve(loaded.baseDir, s);
  return JSON.parse(readFileSync(file, 'utf8')) as object;
}

/** Builds one scorer from its config entry (throws what the factory throws). */
export function buildScorer(loaded: Pick<LoadedEvalConfig, 'baseDir'>, s: ScorerConfig): Scorer {
  switch (s.type) {
    case 'numeric':
      return numericAnswer({ name: s.name, strict: s.strict, tolerance: s.tolerance, expected: s.expected });
    case 'exact':
      return exactMatch({ name: s.name, expected: s.expected, normalize: s.normalize });
    case 'contains':
      return contains({ name: s.name, values: s.values, mode: s.mode, normalize: s.normalize });
    case 'notContains':
      return notContains({ name: s.name, values: s.values, mode: s.mode, normalize: s.normalize });
    case 'regex':
      return regexMatch({ name: s.name, pattern: s.pattern, flags: s.flags });
    case 'startsWith':
      return startsWith({ name: s.name, prefix: s.prefix, normalize: s.normalize });
    case 'json':
      return isValidJson({ name: s.name, extractFenced: s.extractFenced });
    case 'jsonSchema':
      return matchesJsonSchema(schemaOf(loaded, s.schema), { name: s.name, extractFenced: s.extractFenced });
    case 'length':
      return lengthBounds({
        name: s.name,
        minChars: s.minChars,
        maxChars: s.maxChars,
        minTokens: s.minTokens,
        maxTokens: s.maxTokens,
      });
    case 'oneLine':
      return oneLine({ name: s.name });
    case 'language':
      return languageIs({ name: s.name, script: s.script as ScriptName, minShare: s.minShare });
    case 'similarity': {
      const name = s.name ?? s.metric;
      const base =
        s.metric === 'levenshtein'
          ? levenshteinRatio({ name, reference: s.reference })
          : s.metric === 'tokenF1'
            ? tokenF1({ name, reference: s.reference })
            : rougeL({ name, reference: s.reference });
      return withPassAt(base, s.passAt);
    }
  }
}

/**
 * Builds every scorer of the config, in order.
 * @throws {ConfigError} naming `scorers[i]` (and its line) when a scorer rejects its options
 */
export function buildScorers(
  loaded: Pick<LoadedEvalConfig, 'baseDir' | 'file'> & { config: Pick<EvalConfig, 'scorers'> },
  locate?: Locate,
): Scorer[] {
  const issues: string[] = [];
  const out: Scorer[] = [];
  loaded.config.scorers.forEach((s, i) => {
    try {
      out.push(buildScorer(loaded, s));
    } catch (e) {
      const line = locate?.(['scorers', i]);
      issues.push(
        `${formatPath(['scorers', i])}${line !== undefined ? ` (line ${line})` : ''}: ${(e as Error).message}`,
      );
    }
  });
  if (issues.length > 0) throw new ConfigError(loaded.file, issues);
  return out;
}
