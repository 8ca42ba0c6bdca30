import type { ClientEntry } from '../client.ts';
import { compressedOpenAI } from '../compressed-openai.ts';

/** The openai SDK as installed: its own retries (2, exponential from 0.5 s, `retry-after` honoured). */
export const openaiSdk: ClientEntry = {
  id: 'openai-sdk',
  label: 'openai SDK',
  description: 'The plain openai SDK with its defaults: 2 retries, backoff from 0.5 s, retry-after honoured.',
  create(ctx) {
    const client = compressedOpenAI(ctx, { fetch: ctx.fetch });
    return (request) => client.chat.completions.create({ ...request, stream: false });
  },
};
