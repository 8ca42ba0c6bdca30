import { ResilienceError, type ResilienceErrorOptions } from '@unfazed/core';

/**
 * A streamed answer sent nothing for too long: before its first chunk (`firstChunkTimeoutMs`) or
 * between two chunks (`idleTimeoutMs`). The stream is ended with this error (the SDK's iterator
 * throws it) and the connection is closed. The SDK's own `timeout` stops at the headers.
 */
export class StreamTimeoutError extends ResilienceError {
  /** Which wait ran out. */
  readonly phase: 'first-chunk' | 'idle';
  /** The limit that ran out, in ms. */
  readonly timeoutMs: number;

  constructor(phase: 'first-chunk' | 'idle', timeoutMs: number, options?: ResilienceErrorOptions) {
    super(
      'STREAM_TIMEOUT',
      phase === 'first-chunk'
        ? `openai: the stream sent no chunk within ${timeoutMs} ms of its headers`
        : `openai: the stream sent nothing for ${timeoutMs} ms`,
      options,
    );
    this.phase = phase;
    this.timeoutMs = timeoutMs;
  }
}
