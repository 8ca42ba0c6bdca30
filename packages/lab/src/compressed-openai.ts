import OpenAI, { type ClientOptions } from 'openai';
import type { ClientContext } from './client.ts';

/** The SDK's default request timeout (10 minutes), as documented by openai-node. */
const SDK_DEFAULT_TIMEOUT_MS = 600_000;
/** Each hint header, and the longest wait (in its unit) the SDK honours: beyond it, it backs off instead. */
const HINTS = [
  ['retry-after', 60],
  ['retry-after-ms', 60_000],
] as const;

type DefaultDelay = (retriesRemaining: number, maxRetries: number) => number;

/**
 * A `fetch` whose answers state their wait hints in real time: the compressed server says
 * `retry-after: 20` in scenario seconds, and an SDK that sleeps real seconds must be told 20 / scale.
 */
export function realTimeHints(base: typeof fetch, scale: number): typeof fetch {
  return async function hintsInRealTime(input, init) {
    const response = await base(input, init);
    if (scale === 1 || !HINTS.some(([h]) => response.headers.has(h))) return response;
    const headers = new Headers(response.headers);
    for (const [name, honoured] of HINTS) {
      const value = headers.get(name);
      const n = value === null ? Number.NaN : Number(value);
      // A hint the SDK would refuse stays as it is, so the SDK still refuses it.
      if (Number.isFinite(n) && n >= 0 && n <= honoured) headers.set(name, String(n / scale));
    }
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  };
}

/**
 * The openai SDK, unchanged in what it decides, with every duration it waits compressed by
 * `ctx.timeScale`: its default backoff (0.5 s doubling to 8 s, 25 % jitter), the `retry-after`
 * hints it honours, and its request timeout (10 minutes by default). The SDK has no clock option,
 * so its backoff is scaled by wrapping the one method that computes it; if a future SDK renames it,
 * this throws rather than silently running the SDK in real time against a compressed server.
 *
 * @example
 * export default (ctx) => {
 *   const client = compressedOpenAI(ctx); // maxRetries 2, as the SDK defaults
 *   return (request) => client.chat.completions.create(request);
 * };
 */
export function compressedOpenAI(ctx: ClientContext, options: ClientOptions = {}): OpenAI {
  const scale = ctx.timeScale;
  const proto = OpenAI.prototype as unknown as { calculateDefaultRetryTimeoutMillis?: DefaultDelay };
  const sdkDelay = proto.calculateDefaultRetryTimeoutMillis;
  if (typeof sdkDelay !== 'function') {
    throw new Error(
      'compressedOpenAI: this openai SDK has no calculateDefaultRetryTimeoutMillis, so its backoff cannot be compressed',
    );
  }
  class CompressedOpenAI extends OpenAI {}
  Object.defineProperty(CompressedOpenAI.prototype, 'calculateDefaultRetryTimeoutMillis', {
    value(this: OpenAI, retriesRemaining: number, maxRetries: number) {
      return sdkDelay.call(this, retriesRemaining, maxRetries) / scale;
    },
  });
  return new CompressedOpenAI({
    apiKey: ctx.apiKey,
    baseURL: ctx.baseURL,
    ...options,
    timeout: (options.timeout ?? SDK_DEFAULT_TIMEOUT_MS) / scale,
    fetch: realTimeHints(options.fetch ?? ctx.fetch, scale),
  });
}
