// Every message of the LLM judges' errors (llmJudge, pairwiseJudge and their shared engine), in one place.
// `who` is "<function> <judge name>", e.g. "llmJudge helpfulness"; `name` is the judge's name alone.

export const judgeMessages = {
  notAnObject: (fn: string) => `${fn}: expected an options object`,
  noName: (fn: string) => `${fn}: name: expected a non-empty string`,
  noCriteria: (who: string) => `${who}: criteria: expected a non-empty string`,
  noGateway: (who: string) => `${who}: expected a gateway or a client`,
  notAGateway: (who: string) => `${who}: gateway: expected a Gateway (createGateway)`,
  modelMismatch: (who: string, model: string, gatewayModel: string) =>
    `${who}: model: "${model}" differs from the gateway's model "${gatewayModel}"`,
  badMaxAnswerChars: (who: string, v: unknown) =>
    `${who}: maxAnswerChars: expected an integer >= 1, got ${v}`,
  priceNotAnObject: (who: string) => `${who}: price: expected an object`,
  notNonNegative: (who: string, field: string, v: unknown) =>
    `${who}: ${field}: expected a finite number >= 0, got ${String(v)}`,
  priceIncomplete: (who: string) =>
    `${who}: price: expected blendedPer1M, or inputPer1M and outputPer1M (USD per 1M tokens)`,
  badScale: (who: string, scale: unknown) =>
    `${who}: scale: expected '1-10' or 'pass-fail', got ${String(scale)}`,
  badPassThreshold: (who: string, v: unknown) =>
    `${who}: passThreshold: expected a number in [1, 10], got ${v}`,
  budgetBeforeRetry: (name: string) =>
    `${name}: budget reached before the malformed verdict could be asked again`,
  callFailed: (name: string, e: { kind: string; code: string; message: string }) =>
    `${name}: judge call failed (${e.kind}, ${e.code}): ${e.message}`,
  malformedTwice: (name: string, firstProblem: string, secondProblem: string) =>
    `${name}: malformed verdict twice (${firstProblem}; then ${secondProblem})`,
  /** One order of a pairwise comparison failed; the orders' messages are joined with ' | '. */
  orderFailed: (order: string, message: string) => `${order}: ${message}`,
};
