/**
 * The OpenTelemetry attribute names the OTLP reader uses, as the GenAI semantic conventions define them
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/). The GenAI ones are still "incubating"
 * in `@opentelemetry/semantic-conventions`; the package's own advice is to copy incubating names into the
 * consuming code rather than import its `/incubating` entry (whose names may change in a minor release, and
 * which loads ~16,000 lines at start-up and cannot be resolved by tslab's compiler). The copies are checked
 * against the installed package by test/logs/otlp.test.ts, so an upstream rename fails a test.
 */

/** `gen_ai.request.model` (ATTR_GEN_AI_REQUEST_MODEL). */
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
/** `gen_ai.response.model` (ATTR_GEN_AI_RESPONSE_MODEL). */
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
/** `gen_ai.usage.input_tokens` (ATTR_GEN_AI_USAGE_INPUT_TOKENS). */
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
/** `gen_ai.usage.output_tokens` (ATTR_GEN_AI_USAGE_OUTPUT_TOKENS). */
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
/** `error.type` (ATTR_ERROR_TYPE, stable). */
export const ATTR_ERROR_TYPE = 'error.type';
/** `http.response.status_code` (ATTR_HTTP_RESPONSE_STATUS_CODE, stable). */
export const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
