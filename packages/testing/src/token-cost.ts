/** Output tokens assumed for TPM accounting when a request sets no output limit. */
export const DEFAULT_OUTPUT_ESTIMATE = 16;

/** How the chaos server prices one request against the TPM budget. */
export interface TokenCost {
  /** `ceil(characters / 4)` of the prompt text (token-id arrays count one per id). */
  promptTokens: number;
  /** `max_tokens` / `max_completion_tokens` / `max_output_tokens`, or the default estimate; 0 for embeddings. */
  outputTokens: number;
  /** `promptTokens + outputTokens`: what the request spends from the TPM bucket. */
  total: number;
}

/**
 * Estimates the token cost of an OpenAI request body the way OpenAI's limiter does before running
 * the model: the prompt's size plus the output limit the caller asked for. `kind` picks where the
 * prompt lives (`messages`, `input`, `instructions`).
 *
 * @example
 * estimateTokenCost('chat', { messages: [{ role: 'user', content: 'Hello there!' }], max_tokens: 10 });
 * // { promptTokens: 3, outputTokens: 10, total: 13 }
 */
export function estimateTokenCost(
  kind: 'chat' | 'embeddings' | 'responses',
  body: Record<string, unknown>,
  defaultOutput = DEFAULT_OUTPUT_ESTIMATE,
): TokenCost {
  const count = { chars: 0, tokens: 0 };
  if (kind === 'chat') collect(body.messages, count);
  else {
    collect(body.input, count);
    if (kind === 'responses') collect(body.instructions, count);
  }
  const promptTokens = Math.ceil(count.chars / 4) + count.tokens;
  const outputTokens = kind === 'embeddings' ? 0 : (outputLimit(body) ?? defaultOutput);
  return { promptTokens, outputTokens, total: promptTokens + outputTokens };
}

/** The output limit the request asked for, if any. */
export function outputLimit(body: Record<string, unknown>): number | undefined {
  for (const name of ['max_completion_tokens', 'max_tokens', 'max_output_tokens']) {
    const value = body[name];
    if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.floor(value);
  }
  return undefined;
}

/**
 * Walks prompt-bearing values: strings, message objects (`content` as a string or parts with
 * `text`), Responses input items, and token-id arrays (one token per number).
 */
function collect(value: unknown, count: { chars: number; tokens: number }): void {
  if (typeof value === 'string') count.chars += value.length;
  else if (typeof value === 'number') count.tokens += 1;
  else if (Array.isArray(value)) for (const item of value) collect(item, count);
  else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.text === 'string') count.chars += record.text.length;
    if (record.content !== undefined) collect(record.content, count);
    if (typeof record.output === 'string') count.chars += record.output.length;
    if (typeof record.arguments === 'string') count.chars += record.arguments.length;
  }
}
