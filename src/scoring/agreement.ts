import { normalQuantile } from '../stats/distributions';
import type { ScoreRecord } from '../types';

/** A category label a rater (a scorer, a judge, a person) gives. */
export type Label = string | number | boolean;

/** Cohen's kappa with its asymptotic standard error and interval. */
export interface KappaResult {
  /** (p_o − p_e) / (1 − p_e); NaN when p_e = 1 (both raters always give the same one category). */
  kappa: number;
  n: number;
  /** p_o: share of pairs that agree (weighted: 1 − mean disagreement weight). */
  observedAgreement: number;
  /** p_e: agreement expected by chance from the two raters' marginals (weighted likewise). */
  expectedAgreement: number;
  /** Asymptotic standard error (Fleiss, Cohen & Everitt 1969; statsmodels `std_kappa`). */
  se: number;
  /** kappa ± z·se. */
  ci: [number, number];
  /** The categories in table order. */
  categories: Label[];
}

/**
 * Cohen's kappa: agreement of two raters on the same n cases, corrected for chance. Optionally weighted
 * for ordered categories: disagreement weight |s_i − s_j| / (s_max − s_min) ('linear') or its square
 * ('quadratic'), where a category's score s is its value when every category is a number and its position
 * otherwise. Pass `categories` to fix the order or to include levels nobody used (e.g. 1…10 for judge
 * scores): it changes weighted kappa. Matches statsmodels `cohens_kappa(table, weights=scores, wt=…)`
 * (kappa, std_kappa, kappa_low/upp).
 *
 * @see Cohen, J. (1960). Educational and Psychological Measurement 20(1). https://doi.org/10.1177/001316446002000104
 * @see Fleiss, Cohen & Everitt (1969). Psychological Bulletin 72(5). https://doi.org/10.1037/h0028106
 * @throws {RangeError} when the lengths differ, n = 0, a label is missing or not in `categories`
 * @example
 * // 50 cases: both yes 20, only A yes 5, only B yes 10, both no 15 → p_o 0.7, p_e 0.5
 * cohenKappa(a, b).kappa; // => 0.4
 */
export function cohenKappa(
  a: readonly Label[],
  b: readonly Label[],
  opts: { weights?: 'linear' | 'quadratic'; categories?: readonly Label[]; confidence?: number } = {},
): KappaResult {
  if (a.length !== b.length)
    throw new RangeError(`cohenKappa: a and b must have the same length (${a.length} ≠ ${b.length})`);
  const n = a.length;
  if (n === 0) throw new RangeError('cohenKappa: expected at least one pair of ratings');
  const confidence = opts.confidence ?? 0.95;
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`cohenKappa: confidence: expected 0 < c < 1, got ${confidence}`);
  checkLabels(a, b);
  const categories = kappaCategories(a, b, opts.categories);
  const k = categories.length;
  const table = contingencyTable(a, b, categories);
  const w = agreementWeights(categories, opts.weights);
  const row = new Float64Array(k);
  const col = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      row[i] += table[i][j] / n;
      col[j] += table[i][j] / n;
    }
  }
  let po = 0;
  let pe = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      po += (w(i, j) * table[i][j]) / n;
      pe += w(i, j) * row[i] * col[j];
    }
  }
  const kappa = pe === 1 ? Number.NaN : (po - pe) / (1 - pe);
  const variance = kappaVariance({ table, n, w, row, col, kappa, pe });
  const se = Math.sqrt(Math.max(0, variance));
  const z = normalQuantile(1 - (1 - confidence) / 2);
  return {
    kappa,
    n,
    observedAgreement: po,
    expectedAgreement: pe,
    se,
    ci: [kappa - z * se, kappa + z * se],
    categories,
  };
}

/** Throws unless every label of a and b is a string, a finite number or a boolean. */
function checkLabels(a: readonly Label[], b: readonly Label[]): void {
  for (let i = 0; i < a.length; i++) {
    for (const [side, v] of [
      ['a', a[i]],
      ['b', b[i]],
    ] as const) {
      if (
        !['string', 'number', 'boolean'].includes(typeof v) ||
        (typeof v === 'number' && !Number.isFinite(v))
      ) {
        throw new RangeError(
          `cohenKappa: ${side}[${i}]: expected a string, finite number or boolean label, got ${String(v)}`,
        );
      }
    }
  }
}

/** The given categories (checked for repeats), or the labels used, numerically or alphabetically sorted. */
function kappaCategories(a: readonly Label[], b: readonly Label[], given?: readonly Label[]): Label[] {
  if (given) {
    const categories = [...given];
    if (new Set(categories).size !== categories.length)
      throw new RangeError('cohenKappa: categories: repeated label');
    return categories;
  }
  const categories = [...new Set<Label>([...a, ...b])];
  const allNumbers = categories.every((c) => typeof c === 'number');
  categories.sort(
    allNumbers ? (x, y) => (x as number) - (y as number) : (x, y) => String(x).localeCompare(String(y)),
  );
  return categories;
}

/** table[r][c]: number of pairs rated categories[r] by a and categories[c] by b. */
function contingencyTable(a: readonly Label[], b: readonly Label[], categories: Label[]): Float64Array[] {
  const k = categories.length;
  const index = new Map<Label, number>(categories.map((c, i) => [c, i]));
  const table = Array.from({ length: k }, () => new Float64Array(k));
  for (let i = 0; i < a.length; i++) {
    const r = index.get(a[i]);
    const c = index.get(b[i]);
    if (r === undefined || c === undefined) {
      throw new RangeError(
        `cohenKappa: pair ${i}: label ${String(r === undefined ? a[i] : b[i])} is not in categories`,
      );
    }
    table[r][c]++;
  }
  return table;
}

/** Agreement weights w (1 on the diagonal), as in the SAS manual and statsmodels' variance. */
function agreementWeights(
  categories: Label[],
  weights: 'linear' | 'quadratic' | undefined,
): (i: number, j: number) => number {
  const k = categories.length;
  const scores = categories.every((c) => typeof c === 'number')
    ? (categories as number[])
    : categories.map((_, i) => i);
  const range = k > 1 ? scores[k - 1] - scores[0] : 1;
  return (i: number, j: number): number => {
    if (!weights) return i === j ? 1 : 0;
    const d = Math.abs(scores[i] - scores[j]) / range;
    return 1 - (weights === 'quadratic' ? d * d : d);
  };
}

/** Asymptotic variance of kappa (Fleiss, Cohen & Everitt 1969), statsmodels' `var_kappa`. */
function kappaVariance(o: {
  table: Float64Array[];
  n: number;
  w: (i: number, j: number) => number;
  row: Float64Array;
  col: Float64Array;
  kappa: number;
  pe: number;
}): number {
  const { table, n, w, row, col, kappa, pe } = o;
  const k = table.length;
  const wRow = new Float64Array(k); // w̄_i. = Σ_j p_.j w_ij
  const wCol = new Float64Array(k); // w̄_.j = Σ_i p_i. w_ij
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      wRow[i] += col[j] * w(i, j);
      wCol[j] += row[i] * w(i, j);
    }
  }
  let termA = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      if (table[i][j] > 0) termA += (table[i][j] / n) * (w(i, j) - (wRow[i] + wCol[j]) * (1 - kappa)) ** 2;
    }
  }
  return (termA - (kappa - pe * (1 - kappa)) ** 2) / ((1 - pe) ** 2 * n);
}

/**
 * Agreement of two scorers on the same calls (e.g. two rubrics, or a judge and a rubric): pairs their
 * ScoreRecords by (item, arm, repeat), skips error records and pairs missing either side, and computes
 * {@link cohenKappa} on `pass` (default) or on the score values.
 * @throws {RangeError} when no call has a usable record from both scorers
 */
export function scorerAgreement(opts: {
  scores: readonly ScoreRecord[];
  a: string;
  b: string;
  on?: 'pass' | 'score';
  weights?: 'linear' | 'quadratic';
  categories?: readonly Label[];
}): KappaResult & { unpaired: number } {
  const on = opts.on ?? 'pass';
  const label = (r: ScoreRecord): Label | undefined => (on === 'pass' ? r.pass : (r.score ?? undefined));
  const byCall = new Map<string, { a?: Label; b?: Label }>();
  for (const r of opts.scores) {
    if (r.scorer !== opts.a && r.scorer !== opts.b) continue;
    const v = r.score === null ? undefined : label(r);
    const key = JSON.stringify([r.itemId, r.arm, r.repeat ?? 0]);
    const entry = byCall.get(key) ?? {};
    // A duplicate (a retried error) never overwrites a usable label.
    if (r.scorer === opts.a) entry.a ??= v;
    else entry.b ??= v;
    byCall.set(key, entry);
  }
  const xs: Label[] = [];
  const ys: Label[] = [];
  let unpaired = 0;
  for (const { a, b } of byCall.values()) {
    if (a === undefined || b === undefined) unpaired++;
    else {
      xs.push(a);
      ys.push(b);
    }
  }
  if (xs.length === 0) {
    throw new RangeError(`scorerAgreement: no call has a ${on} from both ${opts.a} and ${opts.b}`);
  }
  const kappa = cohenKappa(xs, ys, { weights: opts.weights, categories: opts.categories });
  return { ...kappa, unpaired };
}
