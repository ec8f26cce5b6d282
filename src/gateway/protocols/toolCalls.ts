/** The tool calls of an OpenAI-shaped assistant message, read once for the protocols that translate them. */
import { isObject } from './errorBody';

/** One tool call: its id, the function's name and its arguments parsed from JSON (`{}` when not JSON). */
export interface ToolCallRead {
  id: unknown;
  name: unknown;
  args: unknown;
}

/** Reads `tool_calls` (entries without a `function` object are skipped). */
export function readToolCalls(calls: unknown[] | undefined): ToolCallRead[] {
  const out: ToolCallRead[] = [];
  for (const c of calls ?? []) {
    if (!isObject(c) || !isObject(c.function)) continue;
    let args: unknown = {};
    try {
      args = JSON.parse(String(c.function.arguments ?? '{}'));
    } catch {
      args = {};
    }
    out.push({ id: c.id, name: c.function.name, args });
  }
  return out;
}
