import { streamErrorBody } from './openai-errors.ts';
import { type Answer, chatCompletionChunks, responseEvents } from './openai-payloads.ts';

/**
 * The SSE frames of a streamed answer, the frame that replaces the rest when a `stream-error`
 * fault hits, and what ends a healthy stream (`data: [DONE]` for chat; Responses streams just end).
 */
export function sseFrames(
  kind: 'chat' | 'responses',
  answer: Answer,
  body: Record<string, unknown>,
): { frames: string[]; errorFrame: string; end: string | undefined } {
  if (kind === 'chat') {
    const includeUsage =
      (body.stream_options as { include_usage?: unknown } | undefined)?.include_usage === true;
    return {
      frames: chatCompletionChunks(answer, includeUsage).map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`),
      errorFrame: `data: ${JSON.stringify(streamErrorBody())}\n\n`,
      end: 'data: [DONE]\n\n',
    };
  }
  const { message, type } = streamErrorBody().error;
  return {
    frames: responseEvents(answer, body).map(
      ([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
    ),
    errorFrame: `event: error\ndata: ${JSON.stringify({ type: 'error', code: type, message, param: null })}\n\n`,
    end: undefined,
  };
}
