// The background side: as many of these as you like (each one a process); together they send at
// the pace the account allows, through one limiter shared in Redis. SIGTERM drains and exits.
//   OPENAI_API_KEY=sk-… AMQP_URL=amqp://127.0.0.1 REDIS_URL=redis://127.0.0.1:6379 node examples/queue-service/worker.ts
import { createWorker, handleSignals } from '@unfazed/queue';
import { Redis } from 'ioredis';

const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const worker = createWorker({
  url: process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  redis,
  name: process.env.QUEUE_NAME ?? 'content',
  concurrency: 16,
  // OPENAI_API_KEY (and OPENAI_BASE_URL, if set) are read by the SDK, as `new OpenAI()` does.
  client: {},
});
handleSignals(worker, { exit: false });
process.once('SIGTERM', () => {
  worker.stop().finally(() => redis.disconnect());
});
await worker.ready;
process.stdout.write(`worker ${worker.id} consuming\n`);
