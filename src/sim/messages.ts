/**
 * Every message of the simulator: its config file and answers file, and the OpenAI-shaped texts it serves.
 * The configuration's validation messages are simConfigMsg in src/config/simulator.ts.
 */

export const simMsg = {
  answersMissing: (path: string) => `answers file ${path} cannot be read`,
  // OpenAI-shaped error texts
  modelNotFound: (model: string) => `The model \`${model}\` does not exist or you do not have access to it.`,
  contextLength: (max: number, got: number) =>
    `This model's maximum context length is ${max} tokens. However, your messages resulted in ${got} tokens. Please reduce the length of the messages.`,
  rateLimited: (model: string, seconds: number) =>
    `Rate limit reached for ${model} in organization org-canarylab-sim on requests per min (RPM): Limit 60, Used 60, Requested 1. Please try again in ${seconds}s.`,
  serverError:
    'The server had an error while processing your request. Sorry about that! You can retry your request.',
  overloaded: 'The engine is currently overloaded, please try again later.',
  badJson:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
  missingModel: 'you must provide a model parameter',
  missingMessages: "Missing required parameter: 'messages'.",
  badMessages: "Invalid type for 'messages': expected an array of objects.",
  unauthorized: 'Incorrect API key provided. You can find your API key in your provider settings.',
  notFound: (method: string, path: string) => `Invalid URL (${method} ${path})`,
  tooLarge: 'Request body too large.',
} as const;
