// `calibration`: how often the decision is right, measured — synthetic canaries with known truth (identical,
// better, worse, a latency regression, steady or bursty errors) sent through the same analyse → decide code,
// many seeded runs per cell, giving false-promotion and false-rollback rates and the samples to a verdict
// (the table in docs/CALIBRATION.md; `npm run calibrate`).
//
//   import { calibration } from 'canarylab';
//   const result = calibration.runCalibration({ runs: 50, scenarios: ['identical'], lookSize: 0 });
//   console.log(calibration.calibrationMarkdown(result, 'node calibrate.js'));

/** One cell (scenario × design) of a calibration. */
export type { CellResult } from '../calibration/calibrate';
export {
  /** Options of runCalibration. */ type CalibrationOptions,
  /** Result of runCalibration. */ type CalibrationResult,
  /** Synthetic canaries with known truth through analyze → decide: verdict rates. */ runCalibration,
} from '../calibration/run';
export {
  /** The calibration scenarios. */ SCENARIOS,
  /** One calibration scenario. */ type Scenario,
} from '../calibration/scenarios';
/** A calibration result as a Markdown table. */
export { calibrationMarkdown } from '../calibration/table';
