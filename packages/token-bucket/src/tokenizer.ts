import { integer, oneOf, readOptions } from '@unfazed/core/internal';
import { type EstimateOptions, outputTokens, scanPrompt } from './estimate.ts';

/** Options of {@link tokenizerEstimator}. */
export interface TokenizerEstimatorOptions extends Omit<EstimateOptions, 'charsPerToken'> {
  /**
   * The BPE encoding of the model: `'o200k_base'` (gpt-4o, gpt-4.1, o-series, gpt-5) or
   * `'cl100k_base'` (gpt-4, gpt-3.5, text-embedding-3).
   * @default 'o200k_base'
   */
  encoding?: 'o200k_base' | 'cl100k_base';
}

/** Tokens OpenAI adds around each chat message (role and separators), and once to prime the reply. */
const PER_MESSAGE = 3;

type CountTokens = (text: string) => number;

/**
 * An exact-count estimator: the prompt's text is tokenized with `gpt-tokenizer` (an optional
 * dependency, imported on first use, so installing it is needed only when this is used). Images
 * and output count as in {@link estimateTokens}.
 *
 * @example
 * const limit = rateLimit({ tpm: 30_000, estimate: tokenizerEstimator({ encoding: 'o200k_base' }) });
 */
export function tokenizerEstimator(
  options?: TokenizerEstimatorOptions,
): (request: unknown) => Promise<number> {
  const o = readOptions('tokenizerEstimator', options, {
    encoding: oneOf(['o200k_base', 'cl100k_base'] as const, { default: 'o200k_base' }),
    imageTokens: integer({ min: 0, default: 765 }),
    defaultOutputTokens: integer({ min: 0, default: 0 }),
  });
  const { encoding } = o;
  let loaded: Promise<CountTokens> | undefined;
  const load = (): Promise<CountTokens> => {
    loaded ??= (
      encoding === 'o200k_base'
        ? import('gpt-tokenizer/encoding/o200k_base')
        : import('gpt-tokenizer/encoding/cl100k_base')
    ).then(
      (mod) => (text: string) => mod.countTokens(text),
      (err: unknown) => {
        loaded = undefined;
        throw new Error(
          'tokenizerEstimator: could not load the optional dependency gpt-tokenizer; install it',
          {
            cause: err,
          },
        );
      },
    );
    return loaded;
  };
  return async function tokenizerEstimate(request: unknown): Promise<number> {
    const count = await load();
    let tokens = 0;
    const tally = scanPrompt(request, (text) => {
      tokens += count(text);
    });
    const messages = (request as { messages?: unknown } | null)?.messages;
    if (Array.isArray(messages)) tokens += PER_MESSAGE * (messages.length + 1);
    return (
      tokens + tally.tokens + tally.images * o.imageTokens + outputTokens(request, o.defaultOutputTokens)
    );
  };
}
