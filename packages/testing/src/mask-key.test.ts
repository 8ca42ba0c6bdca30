import OpenAI, { type APIError } from 'openai';
import { describe, expect, it } from 'vitest';
import { maskKey, startChaosServer, VirtualClock } from './index.ts';

describe('maskKey', () => {
  it.each([
    ['', ''],
    ['sk-test', '*******'],
    ['sk-0123456789', '*************'], // 13 characters: still starred whole
    ['sk-01234567890', `sk-${'*'.repeat(7)}7890`], // 14: 3 shown, 4 last
    ['sk-0123456789abcdef', `sk-${'*'.repeat(12)}cdef`], // 19
    ['sk-abcdefghijklmnopqrstuvwxyz', `sk-ab${'*'.repeat(20)}wxyz`], // 29: 5 shown, as OpenAI does
  ])('%j → %j', (key, masked) => {
    expect(maskKey(key)).toBe(masked);
    expect(maskKey(key)).toHaveLength(key.length);
  });

  it('never shows half of a key', () => {
    for (let n = 1; n <= 200; n++) {
      const key = 'k'.repeat(n);
      const stars = [...maskKey(key)].filter((c) => c === '*').length;
      expect(stars * 2).toBeGreaterThanOrEqual(n);
    }
  });
});

describe('the chaos server never keeps a raw key', () => {
  it('stats, byKey and the request log hold masked keys only', async () => {
    const secret = 'sk-proj-S3cr3tV4lu3xQ9zLm2Np7Rt5Wv8Yb1Dc4Fg6Hj0Kk';
    const stranger = 'sk-proj-N0tAll0w3dK3yZz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1';
    const clock = new VirtualClock();
    const server = await startChaosServer({
      rpm: 2,
      keys: [secret],
      faults: [{ kind: 'status', status: 503, to: 10 }],
      now: () => clock.now(),
    });
    try {
      const client = new OpenAI({ apiKey: secret, baseURL: server.url, maxRetries: 0 });
      const ask = (c: OpenAI, stream = false) =>
        c.chat.completions
          .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }], stream })
          .then(async (r) => {
            if (stream) for await (const _ of r as AsyncIterable<unknown>);
            return 200;
          })
          .catch((e: APIError) => e.status ?? 0);
      const outcomes = [await ask(client)];
      await clock.advance(10);
      outcomes.push(await ask(client), await ask(client, true), await ask(client));
      const denied = await new OpenAI({
        apiKey: stranger,
        baseURL: server.url,
        maxRetries: 0,
      }).chat.completions
        .create({ model: 'gpt-4o-mini', messages: [] })
        .catch((e: APIError) => e);
      expect(denied).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((denied as APIError).message).toContain(maskKey(stranger));
      expect((denied as APIError).message).not.toContain(stranger.slice(5, -4));
      expect(outcomes).toEqual([503, 200, 200, 429]);

      const stats = server.stats();
      const text = JSON.stringify(stats);
      for (const key of [secret, stranger]) {
        expect(text).not.toContain(key);
        expect(text).not.toContain(key.slice(5, -4)); // not even the middle
      }
      expect(Object.keys(stats.byKey).sort()).toEqual([maskKey(secret), maskKey(stranger)].sort());
      expect(stats.byKey[maskKey(secret)]?.total).toBe(4);
      expect(stats.requests[0]?.key).toBe(`sk-pr${'*'.repeat(secret.length - 9)}j0Kk`);
    } finally {
      await server.close();
    }
  });
});
