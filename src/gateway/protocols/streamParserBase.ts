/** What the stream parsers of every protocol share: the answer they accumulate from SSE events. */
import { InvalidResponseError } from '../errors';
import { msg } from '../messages';
import type { Usage } from '../types';
import type { StreamContext, StreamParser } from './types';

/** Text, finish reason, usage, ids, tool calls and the first token's time of one streamed answer. */
export abstract class StreamParserBase implements StreamParser {
  content = '';
  sawContent = false;
  finishReason: string | null = null;
  usage: Usage | null = null;
  model?: string;
  id?: string;
  firstTokenAt?: number;
  protected readonly tools: unknown[] = [];
  /** The splitter of the body into events (its callback is the subclass's event handler). */
  protected abstract readonly sse: { push(text: string): void; end(): void };

  constructor(
    protected readonly ctx: StreamContext,
    protected readonly now: () => number,
  ) {}

  abstract get complete(): boolean;
  abstract end(): void;

  get toolCallDeltas(): unknown[] | undefined {
    return this.tools.length > 0 ? this.tools : undefined;
  }

  push(text: string): void {
    this.sse.push(text);
  }

  /** The JSON of one event's data; not JSON is an invalid response. */
  protected parseData(data: string): unknown {
    try {
      return JSON.parse(data);
    } catch {
      throw new InvalidResponseError(msg.invalidJson(this.ctx.model), {
        model: this.ctx.model,
        httpStatus: this.ctx.status,
      });
    }
  }

  /** An invalid-response error of this stream, saying `what` is wrong. */
  protected bad(what: string): InvalidResponseError {
    return new InvalidResponseError(msg.invalidShape(this.ctx.model, what), {
      model: this.ctx.model,
      httpStatus: this.ctx.status,
    });
  }

  /** Appends answer text (the first text, or tool call, sets the time to first token). */
  protected addText(text: string): void {
    if (text.length === 0) return;
    this.firstTokenAt ??= this.now();
    this.content += text;
    this.sawContent = true;
  }
}
