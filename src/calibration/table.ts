import { formatFixedPercent, formatNumber } from '../format';
import type { CellResult, Rate } from './calibrate';
import type { CalibrationResult } from './run';

/** "27.0% [21.3, 33.4]": a rate with its Wilson 95% interval in percent. */
export const fmtRate = (r: Rate) =>
  Number.isFinite(r.rate)
    ? `${formatFixedPercent(r.rate)} [${formatFixedPercent(r.ci[0], { bare: true })}, ${formatFixedPercent(r.ci[1], { bare: true })}]`
    : '—';
/** A count of items (an integer) with thousands separators; '—' when missing or infinite. */
const int = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '—' : formatNumber(x));

/** The calibration table as Markdown (docs/CALIBRATION.md's body). */
export function calibrationMarkdown(r: CalibrationResult, command: string): string {
  const lines: string[] = [];
  const o = r.options;
  lines.push(
    `Seeded (seed ${o.seed}), ${o.runs} runs per cell; fixed sizes ${o.sizes.length > 0 ? o.sizes.map((n) => formatNumber(n)).join(' and ') : 'none'} items per arm; ${o.lookSize > 0 ? `sequential monitoring with ${formatNumber(o.lookSize)} new items per arm at each look, at most ${o.maxLooks} looks` : 'no sequential monitoring'}. Regenerate with \`${command}\` (${formatNumber(Math.round(r.seconds))} s of computation here${command.startsWith('npm') ? '; `-- --jobs 3` splits it over processes' : ''}). Rates are shares of runs with their Wilson 95% intervals in brackets.`,
    '',
    '### Goals (issue 17)',
    '',
    '| goal | measured | met |',
    '|---|---|---|',
    ...r.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`),
    '',
    '### Verdicts by scenario',
    '',
    '| scenario | design | promote | hold | rollback | wrong decision | wrong = |',
    '|---|---|---|---|---|---|---|',
  );
  const main = r.cells.filter((c) => !c.design.startsWith('logs'));
  for (const c of main)
    lines.push(
      `| ${c.title} | ${c.design} | ${fmtRate(c.promote)} | ${fmtRate(c.hold)} | ${fmtRate(c.rollback)} | ${fmtRate(c.wrong)} | ${c.wrongMeaning} |`,
    );
  const seq = main.filter((c) => c.sequential);
  if (seq.length > 0) {
    lines.push(
      '',
      '### Sequential monitoring: samples to a verdict',
      '',
      'Items per arm at the look that reached the correct verdict (among runs that reached it); "decided" counts any verdict that ends monitoring (promote, rollback, or hold on a failed required/important gate).',
      '',
      '| scenario | design | decided within the looks | correct verdict | median items to it | 90th percentile |',
      '|---|---|---|---|---|---|',
      ...seq.map(
        (c) =>
          `| ${c.title} | ${c.design} | ${fmtRate((c.sequential as NonNullable<CellResult['sequential']>).decided)} | ${fmtRate((c.sequential as NonNullable<CellResult['sequential']>).correct)} | ${int(c.sequential?.medianToCorrect)} | ${int(c.sequential?.p90ToCorrect)} |`,
      ),
    );
  }
  if (r.efficiency.length > 0) {
    lines.push(
      '',
      '### Sequential vs fixed horizon (good canaries)',
      '',
      'Fixed horizon: the smallest n per arm at which a single fixed-n analysis promotes with the same probability as the sequential design does within its looks (normal approximation of the success-rate and quality gates, the binding ones; its predictions at the fixed sizes are checked against the measured promote rates below).',
      '',
      '| scenario | design | sequential power | median items | 90th percentile | fixed-horizon n, same power | saving of the median |',
      '|---|---|---|---|---|---|---|',
      ...r.efficiency.map(
        (e) =>
          `| ${e.scenario} | ${e.design} | ${formatFixedPercent(e.power)} | ${int(e.medianToCorrect)} | ${int(e.p90ToCorrect)} | ${int(e.fixedN)} | ${e.saving !== undefined ? formatFixedPercent(e.saving) : '—'} |`,
      ),
      '',
      '| scenario | n | predicted power to promote | measured promote rate |',
      '|---|---|---|---|',
      ...r.predicted.map((p) => {
        const c = r.cells.find((x) => x.scenario === p.scenario && x.design === `n = ${formatNumber(p.n)}`);
        return `| ${p.scenario} | ${formatNumber(p.n)} | ${formatFixedPercent(p.power)} | ${c ? fmtRate(c.promote) : '—'} |`;
      }),
    );
  }
  const cons = r.cells.filter((c) => c.consistency);
  if (cons.length > 0) {
    lines.push(
      '',
      '### Error-rate consistency gate (τ < 0.1 points)',
      '',
      '| scenario | design | gate passes | gate fails | inconclusive |',
      '|---|---|---|---|---|',
      ...cons.map((c) => {
        const k = c.consistency as NonNullable<CellResult['consistency']>;
        return `| ${c.title} | ${c.design} | ${fmtRate(k.pass)} | ${fmtRate(k.fail)} | ${fmtRate(k.inconclusive)} |`;
      }),
    );
  }
  lines.push('', '### Generator assumptions', '', ...r.assumptions.map((a) => `- ${a}`), '');
  return lines.join('\n');
}

/** The short README block: the goals table only. */
export function calibrationReadmeBlock(r: CalibrationResult, command: string): string {
  return [
    `Measured by \`${command}\` (${r.options.runs} seeded runs per cell; the whole table, the scenarios and the generator's assumptions are in [docs/CALIBRATION.md](docs/CALIBRATION.md)):`,
    '',
    '| goal | measured | met |',
    '|---|---|---|',
    ...r.goals.map((g) => `| ${g.goal} | ${g.measured} | ${g.met ? 'yes' : '**no**'} |`),
  ].join('\n');
}
