/**
 * The simulator's configuration, re-exported from where it is defined: src/config/simulator.ts (the
 * `simulator:` section of an eval config), so that the eval config need not import the simulator.
 */
export {
  ANSWER_FIELDS,
  type AnswerField,
  DEFAULT_PROFILES,
  FAULT_NAMES,
  type FaultName,
  ProfileSchema,
  type ResolvedLatency,
  type ResolvedProfile,
  type ResolvedSimConfig,
  resolveSimConfig,
  SimConfigError,
  type SimConfigInput,
  SimConfigSchema,
  type SimJudgeProfile,
  type SimModelProfileInput,
  type TraceRecord,
} from '../config/simulator';
