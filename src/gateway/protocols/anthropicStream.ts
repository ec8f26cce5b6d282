/** The event stream of the Messages API (message_start, content_block_*, message_delta, message_stop, error). */
import { ContentFilterError } from '../errors';
import { msg } from '../messages';
import { anthropicError, anthropicUsage, STOP_REASON, toolUseToCall } from './anthropicResponse';
import { isObject } from './errorBody';
import { SseSplitter } from './sse';
import { StreamParserBase } from './streamParserBase';

type Block = Record<string, unknown>;

export class AnthropicStreamParser extends StreamParserBase {
  /** message_stop was seen. */
  private stopped = false;
  private readonly blocks = new Map<number, { block: Block; json: string }>();
  private rawUsage: Record<string, unknown> | undefined;
  protected readonly sse = new SseSplitter((e) => this.onEvent(e.event, e.data));

  /** Complete at message_stop, or once message_delta gave the stop reason (as OpenAI's finish_reason). */
  get complete(): boolean {
    return this.stopped || this.finishReason !== null;
  }

  end(): void {
    this.sse.end();
    this.usage = this.rawUsage
      ? anthropicUsage(this.rawUsage, { model: this.ctx.model, httpStatus: this.ctx.status })
      : null;
  }

  private onEvent(event: string, data: string): void {
    if (this.stopped || event === 'ping') return;
    const obj = this.parseData(data);
    if (!isObject(obj)) throw this.bad('stream event is not an object');
    const type = typeof obj.type === 'string' ? obj.type : event;
    switch (type) {
      case 'error':
        throw anthropicError({
          status: this.ctx.status,
          headers: this.ctx.headers,
          body: obj,
          ctx: this.ctx,
        });
      case 'message_start': {
        const m = obj.message;
        if (!isObject(m)) throw this.bad('message_start without a message');
        if (typeof m.id === 'string') this.id = m.id;
        if (typeof m.model === 'string') this.model = m.model;
        if (isObject(m.usage)) this.rawUsage = { ...m.usage };
        return;
      }
      case 'content_block_start': {
        const b = obj.content_block;
        if (!isObject(b) || typeof obj.index !== 'number')
          throw this.bad('content_block_start without a block');
        this.blocks.set(obj.index, { block: b, json: '' });
        if (b.type === 'text' && typeof b.text === 'string' && b.text.length > 0) this.addText(b.text);
        if (b.type === 'tool_use') this.firstTokenAt ??= this.now();
        return;
      }
      case 'content_block_delta': {
        const d = obj.delta;
        if (!isObject(d)) throw this.bad('content_block_delta without a delta');
        if (d.type === 'text_delta' && typeof d.text === 'string') this.addText(d.text);
        else if (d.type === 'input_json_delta' && typeof d.partial_json === 'string') {
          const b = this.blocks.get(obj.index as number);
          if (b) b.json += d.partial_json;
        }
        return;
      }
      case 'content_block_stop': {
        const b = this.blocks.get(obj.index as number);
        if (b?.block.type === 'tool_use') this.tools.push(toolUseToCall(b.block, b.json || '{}'));
        return;
      }
      case 'message_delta': {
        const d = obj.delta;
        if (isObject(d) && typeof d.stop_reason === 'string') {
          this.finishReason = STOP_REASON[d.stop_reason] ?? d.stop_reason;
          if (d.stop_reason === 'refusal') {
            throw new ContentFilterError(msg.contentFilter(this.ctx.model, ''), {
              model: this.ctx.model,
              httpStatus: this.ctx.status,
            });
          }
        }
        // message_delta usage is cumulative; null fields keep message_start's values.
        if (isObject(obj.usage)) {
          this.rawUsage ??= {};
          for (const [k, v] of Object.entries(obj.usage))
            if (v !== null && v !== undefined) this.rawUsage[k] = v;
        }
        return;
      }
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        return; // new event types may be added (versioning policy): ignored
    }
  }
}
