/**
 * Server-sent events (WHATWG HTML §9.2 "Server-sent events", the text/event-stream format): splits decoded
 * text into events with their `event:` name and joined `data:` lines. CR, LF and CRLF line ends are all
 * accepted, also when a CRLF is split across two chunks.
 */
export interface SseEvent {
  /** The `event:` field; `message` when the event has none (as the spec's dispatch step says). */
  event: string;
  data: string;
}

/**
 * The line-buffering half of an event-stream reader: feed it decoded text and it hands over each event's
 * block of lines (line ends normalized to LF, without the blank line that ends it). Used by
 * {@link SseSplitter} and by the OpenAI chat-completions stream parser.
 */
export class SseBlockReader {
  private buffer = '';

  constructor(private readonly onBlock: (block: string) => void) {}

  push(text: string): void {
    this.buffer += text;
    if (this.buffer.includes('\r')) {
      // Keep a trailing \r back: it may be the first half of \r\n.
      const holdCr = this.buffer.endsWith('\r');
      const body = holdCr ? this.buffer.slice(0, -1) : this.buffer;
      this.buffer = body.replace(/\r\n?/g, '\n') + (holdCr ? '\r' : '');
    }
    let idx = this.buffer.indexOf('\n\n');
    while (idx !== -1) {
      const block = this.buffer.slice(0, idx);
      this.buffer = this.buffer.slice(idx + 2);
      this.onBlock(block);
      idx = this.buffer.indexOf('\n\n');
    }
  }

  /** Call at end of body: hands over a last event without its blank line. */
  end(): void {
    const rest = this.buffer.replace(/\r$/, '');
    this.buffer = '';
    if (rest.trim().length > 0) this.onBlock(rest);
  }
}

export class SseSplitter {
  private readonly reader = new SseBlockReader((block) => this.dispatch(block));

  constructor(private readonly onEvent: (e: SseEvent) => void) {}

  push(text: string): void {
    this.reader.push(text);
  }

  end(): void {
    this.reader.end();
  }

  private dispatch(block: string): void {
    let event = 'message';
    let data = '';
    let hasData = false;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue; // comment
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      let value = colon === -1 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'event') event = value;
      else if (field === 'data') {
        data = hasData ? `${data}\n${value}` : value;
        hasData = true;
      }
    }
    if (hasData) this.onEvent({ event, data });
  }
}
