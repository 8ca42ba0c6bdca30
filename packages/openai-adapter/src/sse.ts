/** One server-sent event as it came over the wire, separator included, and what it says. */
export interface SseEvent {
  /** The event's text exactly as received, with its trailing blank line. */
  readonly raw: string;
  /** The `event:` field, or '' when it has none. */
  readonly event: string;
  /** The `data:` lines, joined with newlines; undefined when the event has none. */
  readonly data: string | undefined;
}

const BOUNDARY = /\r\n\r\n|\n\n|\r\r/g;

/**
 * Cuts a stream of text into whole server-sent events, as they complete. What is not yet a whole
 * event waits for the next piece: an SSE parser (the SDK's) needs whole events anyway, so
 * forwarding event by event delays nothing it could use.
 */
export class SseSplitter {
  #pending = '';

  /** The events `text` completes, in order. */
  push(text: string): SseEvent[] {
    this.#pending += text;
    const events: SseEvent[] = [];
    let start = 0;
    BOUNDARY.lastIndex = 0;
    for (let m = BOUNDARY.exec(this.#pending); m !== null; m = BOUNDARY.exec(this.#pending)) {
      const end = m.index + m[0].length;
      events.push(parseEvent(this.#pending.slice(start, end)));
      start = end;
    }
    this.#pending = this.#pending.slice(start);
    return events;
  }

  /** What is left when the stream ends (an event without its blank line), as one last event. */
  flush(): SseEvent | undefined {
    const rest = this.#pending;
    this.#pending = '';
    return rest === '' ? undefined : parseEvent(rest);
  }
}

function parseEvent(raw: string): SseEvent {
  let event = '';
  let data: string[] | undefined;
  for (const line of raw.split(/\r\n|\n|\r/)) {
    if (line.startsWith('data:')) {
      data ??= [];
      data.push(line.slice(5).replace(/^ /, ''));
    } else if (line.startsWith('event:')) event = line.slice(6).trim();
  }
  return { raw, event, data: data?.join('\n') };
}
