import { expect, it } from 'vitest';
import { withContext } from './context.ts';
import { defineMiddleware, pipeline } from './pipeline.ts';
import { lastResponse, recordResponse } from './response-info.ts';

it('an outer middleware reads what the innermost call recorded about the response', async () => {
  let seen: unknown;
  const reader = defineMiddleware('reader', async (ctx, next) => {
    const result = await next(withContext(ctx, { attempt: 2 }));
    seen = lastResponse(ctx);
    return result;
  });
  await pipeline(reader).execute(async (ctx) => {
    recordResponse(ctx, {
      status: 200,
      headers: new Headers({ 'x-request-id': 'req_1' }),
      usage: { total_tokens: 7 },
    });
    return 'ok';
  });
  expect(seen).toMatchObject({ status: 200, usage: { total_tokens: 7 } });
  expect((seen as { headers: Headers }).headers.get('x-request-id')).toBe('req_1');
});
