import { quantileSorted } from './quantile';
import { createRng } from './random';
import { checkCount, checkOpenUnit, describe } from './validate';

/** One pairwise judgment: players (models) a and b, and who won. */
export interface PairwiseComparison {
  a: string;
  b: string;
  winner: 'a' | 'b' | 'tie';
}

export interface BradleyTerryOptions {
  /** 'half' (default): a tie counts half a win for each side; 'ignore': ties are dropped. */
  ties?: 'half' | 'ignore';
  /** Percentile bootstrap over the comparisons (resampled with replacement). */
  bootstrap?: { resamples: number; seed: number; confidence?: number };
}

export interface BradleyTerryRating {
  player: string;
  /** Elo-scale rating: P(i beats j) = 1/(1 + 10^((R_j − R_i)/400)); the ratings average 1000. */
  rating: number;
  /** Percentile bootstrap interval of the rating (only with `bootstrap`). */
  ci?: [number, number];
  wins: number;
  losses: number;
  ties: number;
}

export interface BradleyTerryResult {
  method: string;
  /** Sorted by rating, best first. */
  ratings: BradleyTerryRating[];
  scale: 400;
  base: 10;
  initial: 1000;
  bootstrap?: { resamples: number; seed: number; confidence: number };
}

const SCALE = 400;
const INITIAL = 1000;
const TO_RATING = SCALE / Math.LN10;

/**
 * Bradley–Terry ratings from pairwise judgments (LLM-as-judge or human preference), on the Elo scale as
 * Chatbot Arena's "MLE Elo": the maximum likelihood strengths βᵢ of P(i beats j) = 1/(1 + e^(βⱼ − βᵢ)),
 * reported as Rᵢ = 1000 + 400·βᵢ/ln 10 (so P(i beats j) = 1/(1 + 10^((Rⱼ − Rᵢ)/400))) with the ratings
 * averaging 1000, which is what Chatbot Arena's unpenalized logistic regression without an anchor gives.
 * Ties count half a win for each side (Chatbot Arena duplicates every battle and gives a tie one win each
 * way, the same likelihood) or are ignored. Fitted by Newton's method on the concave log-likelihood.
 * With `bootstrap`, `ci` is the percentile interval of each rating over comparisons resampled with
 * replacement (seeded, reproducible), as Chatbot Arena's bootstrap.
 * The ratings exist only when every split of the players into two groups has a win (or tie) from each
 * group over the other (Ford 1957; for two players: each has at least one win or tie); otherwise, and
 * for any bootstrap resample where that fails, this throws rather than return infinite ratings.
 *
 * @see Bradley, R. A. & Terry, M. E. (1952). Rank analysis of incomplete block designs. Biometrika 39(3/4).
 * @see Chiang, W.-L. et al. (2024). Chatbot Arena: an open platform for evaluating LLMs by human preference.
 *   https://arxiv.org/abs/2403.04132 (and its notebook's compute_mle_elo: SCALE 400, BASE 10, INIT 1000)
 * @throws {RangeError} when comparisons is empty, a comparison has a === b, an empty name, or a winner other
 *   than 'a' | 'b' | 'tie', the ratings do not exist (see above), or the bootstrap options are invalid
 * @example
 * bradleyTerry([
 *   { a: 'canary', b: 'primary', winner: 'a' },
 *   { a: 'canary', b: 'primary', winner: 'a' },
 *   { a: 'primary', b: 'canary', winner: 'b' },
 *   { a: 'canary', b: 'primary', winner: 'b' },
 * ]).ratings.map((r) => r.rating);
 * // canary wins 3 of 4, so 10^(ΔR/400) = 3/1: ΔR = 400·log10(3) = 190.85
 * // => [1095.42…, 904.57…] (1000 ± 200·log10 3)
 */
export function bradleyTerry(
  comparisons: readonly PairwiseComparison[],
  opts: BradleyTerryOptions = {},
): BradleyTerryResult {
  const fn = 'bradleyTerry';
  if (!Array.isArray(comparisons)) {
    throw new TypeError(
      `${fn}: comparisons must be an array of { a, b, winner }, got ${describe(comparisons)}`,
    );
  }
  if (comparisons.length === 0) throw new RangeError(`${fn}: comparisons needs at least 1 comparison, got 0`);
  const ties = opts.ties ?? 'half';
  if (ties !== 'half' && ties !== 'ignore') {
    throw new RangeError(`${fn}: ties must be 'half' or 'ignore', got ${describe(ties)}`);
  }
  const { players, rows } = readComparisons(fn, comparisons);
  const wins = tallyWins(rows, players.length, ties, (k) => k, rows.length);
  const problem = existenceProblem(wins, players.length, players);
  if (problem) throw new RangeError(`${fn}: the ratings do not exist (are infinite): ${problem}`);
  const beta = fitStrengths(wins, players.length, new Float64Array(players.length));

  const record = winLossRecord(rows, players.length);
  const ratings: BradleyTerryRating[] = players.map((player, i) => ({
    player,
    rating: INITIAL + TO_RATING * beta[i],
    ...record[i],
  }));

  let bootstrapInfo: BradleyTerryResult['bootstrap'];
  if (opts.bootstrap !== undefined) {
    bootstrapInfo = readBootstrap(fn, opts.bootstrap);
    const draws = bootstrapRatings(fn, { rows, players, ties, beta, ...bootstrapInfo });
    const lowP = (1 - bootstrapInfo.confidence) / 2;
    ratings.forEach((r, i) => {
      const sorted = draws[i].sort();
      r.ci = [quantileSorted(sorted, lowP), quantileSorted(sorted, 1 - lowP)];
    });
  }
  ratings.sort((x, y) => y.rating - x.rating || (x.player < y.player ? -1 : 1));
  return {
    method: 'Bradley-Terry maximum likelihood (Elo scale)',
    ratings,
    scale: SCALE,
    base: 10,
    initial: INITIAL,
    ...(bootstrapInfo ? { bootstrap: bootstrapInfo } : {}),
  };
}

/** A validated comparison: player indices i (side a) and j (side b); outcome 1 = a won, 0 = b won, 0.5 = tie. */
interface ComparisonRow {
  i: number;
  j: number;
  outcome: number;
}

/** Validates every comparison and numbers the players in order of first appearance. */
function readComparisons(
  fn: string,
  comparisons: readonly PairwiseComparison[],
): { players: string[]; rows: ComparisonRow[] } {
  const index = new Map<string, number>();
  const rows: ComparisonRow[] = [];
  comparisons.forEach((cmp, k) => {
    if (cmp === null || typeof cmp !== 'object') {
      throw new TypeError(`${fn}: comparisons[${k}] must be { a, b, winner }, got ${describe(cmp)}`);
    }
    for (const side of ['a', 'b'] as const) {
      if (typeof cmp[side] !== 'string' || cmp[side].length === 0) {
        throw new TypeError(
          `${fn}: comparisons[${k}].${side} must be a non-empty string, got ${describe(cmp[side])}`,
        );
      }
    }
    if (cmp.a === cmp.b)
      throw new RangeError(`${fn}: comparisons[${k}] compares ${JSON.stringify(cmp.a)} with itself`);
    if (cmp.winner !== 'a' && cmp.winner !== 'b' && cmp.winner !== 'tie') {
      throw new RangeError(
        `${fn}: comparisons[${k}].winner must be 'a', 'b' or 'tie', got ${describe(cmp.winner)}`,
      );
    }
    for (const name of [cmp.a, cmp.b]) if (!index.has(name)) index.set(name, index.size);
    // outcome: 1 = a won, 0 = b won, 0.5 = tie (counted or not, per `ties`).
    rows.push({
      i: index.get(cmp.a) as number,
      j: index.get(cmp.b) as number,
      outcome: cmp.winner === 'a' ? 1 : cmp.winner === 'b' ? 0 : 0.5,
    });
  });
  return { players: [...index.keys()], rows };
}

/** wins[i·p + j]: (fractional) wins of i over j among rows[pick(0)], …, rows[pick(m − 1)]. */
function tallyWins(
  rows: readonly ComparisonRow[],
  p: number,
  ties: 'half' | 'ignore',
  pick: (k: number) => number,
  m: number,
): Float64Array {
  const wins = new Float64Array(p * p);
  for (let k = 0; k < m; k++) {
    const row = rows[pick(k)];
    if (!(ties === 'half' || row.outcome !== 0.5)) continue;
    wins[row.i * p + row.j] += row.outcome;
    wins[row.j * p + row.i] += 1 - row.outcome;
  }
  return wins;
}

/** Each player's wins, losses and ties (every tie counted, whatever `ties` says). */
function winLossRecord(
  rows: readonly ComparisonRow[],
  p: number,
): { wins: number; losses: number; ties: number }[] {
  const record = Array.from({ length: p }, () => ({ wins: 0, losses: 0, ties: 0 }));
  for (const row of rows) {
    if (row.outcome === 0.5) {
      record[row.i].ties++;
      record[row.j].ties++;
    } else {
      record[row.outcome === 1 ? row.i : row.j].wins++;
      record[row.outcome === 1 ? row.j : row.i].losses++;
    }
  }
  return record;
}

/** Validates `opts.bootstrap`, filling confidence's default 0.95. */
function readBootstrap(fn: string, bs: unknown): { resamples: number; seed: number; confidence: number } {
  if (bs === null || typeof bs !== 'object') {
    throw new TypeError(`${fn}: bootstrap must be { resamples, seed, confidence }, got ${describe(bs)}`);
  }
  const o = bs as { resamples?: unknown; seed?: unknown; confidence?: unknown };
  const resamples = checkCount(fn, 'bootstrap.resamples', o.resamples, 2);
  if (typeof o.seed !== 'number' || !Number.isFinite(o.seed)) {
    throw new TypeError(`${fn}: bootstrap.seed must be a finite number, got ${describe(o.seed)}`);
  }
  const confidence = checkOpenUnit(fn, 'bootstrap.confidence', o.confidence ?? 0.95);
  return { resamples, seed: o.seed, confidence };
}

/**
 * draws[i][s]: player i's rating fitted to resample s of the comparisons (drawn with replacement from
 * createRng(seed), Newton started at the full-data strengths `beta`).
 * @throws {RangeError} when a resample has no finite ratings
 */
function bootstrapRatings(
  fn: string,
  o: {
    rows: readonly ComparisonRow[];
    players: string[];
    ties: 'half' | 'ignore';
    beta: Float64Array;
    resamples: number;
    seed: number;
  },
): Float64Array[] {
  const p = o.players.length;
  const rng = createRng(o.seed);
  const m = o.rows.length;
  const draws = o.players.map(() => new Float64Array(o.resamples));
  for (let s = 0; s < o.resamples; s++) {
    const picks = new Uint32Array(m);
    for (let k = 0; k < m; k++) picks[k] = rng.int(m);
    const w = tallyWins(o.rows, p, o.ties, (k) => picks[k], m);
    const why = existenceProblem(w, p, o.players);
    if (why) {
      throw new RangeError(
        `${fn}: bootstrap resample ${s + 1} has no finite ratings (${why}); there are too few comparisons ` +
          'for a bootstrap, collect more',
      );
    }
    const b = fitStrengths(w, p, o.beta);
    for (let i = 0; i < p; i++) draws[i][s] = INITIAL + TO_RATING * b[i];
  }
  return draws;
}

/**
 * Ford's condition: the "i has beaten j" graph (ties count both ways) must be strongly connected.
 * Returns a description of the first failure, or null when the ratings exist.
 */
function existenceProblem(wins: Float64Array, p: number, players: string[]): string | null {
  const reach = (forward: boolean): boolean[] => {
    const seen = new Array<boolean>(p).fill(false);
    const stack = [0];
    seen[0] = true;
    while (stack.length > 0) {
      const i = stack.pop() as number;
      for (let j = 0; j < p; j++) {
        if (seen[j]) continue;
        const w = forward ? wins[i * p + j] : wins[j * p + i];
        if (w > 0) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    return seen;
  };
  for (let i = 0; i < p; i++) {
    let games = 0;
    let won = 0;
    for (let j = 0; j < p; j++) {
      games += wins[i * p + j] + wins[j * p + i];
      won += wins[i * p + j];
    }
    if (games === 0) return `${JSON.stringify(players[i])} has no counted comparisons`;
    if (won === 0) return `${JSON.stringify(players[i])} never won or tied`;
    if (won === games) return `${JSON.stringify(players[i])} never lost or tied`;
  }
  const forward = reach(true);
  const backward = reach(false);
  for (let i = 0; i < p; i++) {
    if (!forward[i] || !backward[i]) {
      return `the players split into groups where one group never lost to the other (e.g. around ${JSON.stringify(players[i])})`;
    }
  }
  return null;
}

/**
 * Maximum likelihood strengths β (natural-log scale, mean 0) by Newton's method with step halving, with the
 * last player's β held at 0 during the fit to remove the shift invariance. `start` is a warm start.
 */
function fitStrengths(wins: Float64Array, p: number, start: Float64Array): Float64Array {
  const beta = Float64Array.from(start);
  for (let i = 0; i < p; i++) beta[i] -= start[p - 1];
  const q = p - 1;
  const logLik = (b: Float64Array): number => {
    let ll = 0;
    for (let i = 0; i < p; i++) {
      for (let j = 0; j < p; j++) {
        const w = wins[i * p + j];
        if (w > 0) ll -= w * Math.log1p(Math.exp(b[j] - b[i]));
      }
    }
    return ll;
  };
  let current = logLik(beta);
  let total = 0;
  for (let k = 0; k < wins.length; k++) total += wins[k];
  for (let iter = 0; iter < 100 && q > 0; iter++) {
    const grad = new Float64Array(q);
    const info = new Float64Array(q * q); // negative Hessian
    let maxGrad = 0;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const n = wins[i * p + j] + wins[j * p + i];
        if (n === 0) continue;
        const pij = 1 / (1 + Math.exp(beta[j] - beta[i]));
        const resid = wins[i * p + j] - n * pij;
        const h = n * pij * (1 - pij);
        if (i < q) {
          grad[i] += resid;
          info[i * q + i] += h;
        }
        if (j < q) {
          grad[j] -= resid;
          info[j * q + j] += h;
        }
        if (i < q && j < q) {
          info[i * q + j] -= h;
          info[j * q + i] -= h;
        }
      }
    }
    for (let i = 0; i < q; i++) maxGrad = Math.max(maxGrad, Math.abs(grad[i]));
    if (maxGrad <= 1e-14 * total) break; // at rounding level: converged
    const step = solveSymmetric(info, grad, q);
    let t = 1;
    let next = new Float64Array(p);
    let nextLik = Number.NEGATIVE_INFINITY;
    for (let halving = 0; halving < 40; halving++) {
      next = Float64Array.from(beta);
      for (let i = 0; i < q; i++) next[i] += t * step[i];
      nextLik = logLik(next);
      if (nextLik >= current - 1e-12 * Math.abs(current)) break;
      t /= 2;
    }
    let maxStep = 0;
    for (let i = 0; i < q; i++) maxStep = Math.max(maxStep, Math.abs(t * step[i]));
    beta.set(next);
    current = nextLik;
    if (maxStep < 1e-14) break;
  }
  let mean = 0;
  for (let i = 0; i < p; i++) mean += beta[i];
  mean /= p;
  for (let i = 0; i < p; i++) beta[i] -= mean;
  return beta;
}

/** Solves A·x = y for a symmetric positive definite A (q×q, row-major) by Cholesky decomposition. */
function solveSymmetric(a: Float64Array, y: Float64Array, q: number): Float64Array {
  const l = new Float64Array(q * q);
  for (let i = 0; i < q; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * q + j];
      for (let k = 0; k < j; k++) s -= l[i * q + k] * l[j * q + k];
      l[i * q + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * q + j];
    }
  }
  const z = new Float64Array(q);
  for (let i = 0; i < q; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= l[i * q + k] * z[k];
    z[i] = s / l[i * q + i];
  }
  const x = new Float64Array(q);
  for (let i = q - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < q; k++) s -= l[k * q + i] * x[k];
    x[i] = s / l[i * q + i];
  }
  return x;
}
