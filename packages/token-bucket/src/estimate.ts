/** Options of {@link estimateTokens}. */
export interface EstimateOptions {
  /** Characters per token of prompt text. @default 4 */
  charsPerToken?: number;
  /**
   * Tokens counted for each image part (`image_url`, `input_image`), whatever its size: a
   * 1024×1024 image at high detail costs 765 tokens on gpt-4o. Reconciliation corrects the rest.
   * @default 765
   */
  imageTokens?: number;
  /**
   * Output tokens counted when the request sets no `max_tokens` / `max_completion_tokens` /
   * `max_output_tokens`. Reconciliation charges what the answer really used.
   * @default 0
   */
  defaultOutputTokens?: number;
}

/** Fields of a message, content part or input item that carry text the model reads. */
const TEXT_KEYS = ['content', 'text', 'input', 'output', 'arguments', 'refusal', 'name', 'summary'] as const;
const NESTED_KEYS = ['tool_calls', 'function', 'function_call'] as const;
const IMAGE_TYPES = new Set(['image_url', 'input_image', 'image']);

/** What the prompt of a request holds, apart from its text (handed to `onText` piece by piece). */
export interface PromptTally {
  /** Token ids given directly (embeddings accept arrays of token ids). */
  tokens: number;
  /** Image parts, each counted at a fixed cost. */
  images: number;
}

/**
 * The default cost estimate of an OpenAI request, in tokens: `ceil(characters / 4)` of the prompt
 * plus the most the answer may use. OpenAI counts a request's `max_tokens` against the tokens per
 * minute when it arrives, so the estimate does too; reconciliation gives back what was not used.
 *
 * Prompt: chat `messages` (string content and text parts; each image part a fixed
 * `imageTokens`; tool calls' names and arguments), `input` of the Responses and Embeddings APIs
 * (a string, strings, token-id arrays, input items, nested), `instructions`, legacy `prompt`, and
 * `tools` / `functions` definitions (their JSON). Output: `max_completion_tokens` ??
 * `max_tokens` ?? `max_output_tokens` (else `defaultOutputTokens`), times `n`.
 *
 * @example
 * estimateTokens({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello there!' }], max_tokens: 100 });
 * // → 103 (12 characters → 3 tokens, plus 100)
 */
export function estimateTokens(request: unknown, options: EstimateOptions = {}): number {
  const charsPerToken = options.charsPerToken ?? 4;
  let chars = 0;
  const tally = scanPrompt(request, (text) => {
    chars += text.length;
  });
  const prompt =
    Math.ceil(chars / charsPerToken) + tally.tokens + tally.images * (options.imageTokens ?? 765);
  return prompt + outputTokens(request, options.defaultOutputTokens ?? 0);
}

/** Walks the prompt of `request`, handing every piece of text to `onText`; see {@link estimateTokens} for what counts. */
export function scanPrompt(request: unknown, onText: (text: string) => void): PromptTally {
  const tally = { tokens: 0, images: 0, onText };
  if (typeof request === 'string' || Array.isArray(request)) walk(request, tally, 0);
  else if (request !== null && typeof request === 'object') {
    const body = request as Record<string, unknown>;
    for (const key of ['messages', 'input', 'instructions', 'prompt', 'system']) walk(body[key], tally, 0);
    for (const key of ['tools', 'functions']) {
      if (body[key] !== undefined) onText(safeJson(body[key]));
    }
  }
  return { tokens: tally.tokens, images: tally.images };
}

/** The most output tokens `request` may produce, as OpenAI counts them against TPM. */
export function outputTokens(request: unknown, fallback = 0): number {
  if (request === null || typeof request !== 'object' || Array.isArray(request)) return 0;
  const body = request as Record<string, unknown>;
  const max = firstCount(body.max_completion_tokens, body.max_tokens, body.max_output_tokens) ?? fallback;
  const n = firstCount(body.n) ?? 1;
  return max * Math.max(1, n);
}

function walk(value: unknown, tally: PromptTally & { onText: (text: string) => void }, depth: number): void {
  if (depth > 32 || value === null || value === undefined) return;
  if (typeof value === 'string') {
    tally.onText(value);
  } else if (typeof value === 'number') {
    tally.tokens += 1;
  } else if (Array.isArray(value)) {
    for (const item of value) walk(item, tally, depth + 1);
  } else if (typeof value === 'object') {
    const item = value as Record<string, unknown>;
    if (typeof item.type === 'string' && IMAGE_TYPES.has(item.type)) {
      tally.images += 1;
      return;
    }
    for (const key of TEXT_KEYS) walk(item[key], tally, depth + 1);
    for (const key of NESTED_KEYS) walk(item[key], tally, depth + 1);
  }
}

function firstCount(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  return undefined;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
}
