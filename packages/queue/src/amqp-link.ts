import {
  type ChannelModel,
  type ConfirmChannel,
  connect,
  type Options,
  type RecoveringChannelModel,
} from 'amqplib';
import { LANES, type Names } from './names.ts';

/** Options of {@link AmqpLink}. */
export interface LinkOptions {
  readonly url: string;
  readonly names: Names;
  readonly maxLength: number;
  /** Runs after every (re)connect, once the topology is declared: a worker starts consuming here. */
  readonly onConnect?: (model: ChannelModel) => Promise<void>;
  /** The connection dropped (a worker forgets its deliveries here). */
  readonly onDisconnect?: () => void;
  /** Something the link cannot recover from by reconnecting (a queue declared with other arguments). */
  readonly onFatal?: (error: Error) => void;
}

/** The publish was refused by RabbitMQ (a `reject-publish` queue at its `maxLength`). */
export class PublishRefused extends Error {
  constructor(queue: string) {
    super(`RabbitMQ refused the publish to ${queue}`);
    this.name = 'PublishRefused';
  }
}

const REDECLARE_MS = 5 * 60_000;

/**
 * One RabbitMQ connection with amqplib's recovery: it reconnects with backoff after a broker
 * restart or a network failure, declares the topology again, and runs `onConnect` (consumers).
 * Publishes go through a confirm channel and are retried on the next connection when the old one
 * closed before confirming (a duplicate is harmless: a job's state in Redis decides who runs it).
 */
export class AmqpLink {
  readonly #o: LinkOptions;
  #conn: RecoveringChannelModel | undefined;
  #publisher: ConfirmChannel | undefined;
  #waiters: ((channel: ConfirmChannel | Error) => void)[] = [];
  #delays = new Map<string, number>();
  #fatal: Error | undefined;
  #closed = false;

  constructor(o: LinkOptions) {
    this.#o = o;
  }

  get connected(): boolean {
    return this.#publisher !== undefined;
  }

  /** Starts connecting (in the background); resolves once the handle exists. */
  async start(): Promise<void> {
    const conn = await connect(this.#o.url, {
      recovery: {
        initialDelay: 100,
        maxDelay: 5_000,
        maxRetries: Number.POSITIVE_INFINITY,
        waitForConnect: false,
        setup: (model: ChannelModel) => this.#setup(model),
      },
    });
    this.#conn = conn;
    conn.on('error', () => {});
    conn.on('connect-failed', () => {
      if (this.#fatal) this.#fail(this.#fatal);
    });
    conn.on('disconnect', () => {
      this.#publisher = undefined;
      this.#delays.clear();
      this.#o.onDisconnect?.();
    });
  }

  async #setup(model: ChannelModel): Promise<void> {
    try {
      const channel = await model.createConfirmChannel();
      channel.on('error', () => {});
      // A channel closed on its own while the connection lives (a broker-side error): start over.
      channel.on('close', () => {
        if (this.#publisher === channel) model.close().catch(() => {});
      });
      await declareTopology(channel, this.#o.names, this.#o.maxLength);
      await this.#o.onConnect?.(model);
      this.#publisher = channel;
      for (const wake of this.#waiters.splice(0)) wake(channel);
    } catch (error) {
      // 406: a queue exists with other arguments (another maxLength): reconnecting cannot fix that.
      if ((error as { code?: unknown }).code === 406) this.#fatal = error as Error;
      throw error;
    }
  }

  #fail(error: Error): void {
    for (const wake of this.#waiters.splice(0)) wake(error);
    this.#o.onFatal?.(error);
    this.close().catch(() => {});
  }

  /** The confirm channel of the current connection, waiting up to `timeoutMs` for one. */
  channel(timeoutMs: number): Promise<ConfirmChannel> {
    if (this.#fatal) return Promise.reject(this.#fatal);
    if (this.#closed) return Promise.reject(new Error('queue: the RabbitMQ connection is closed'));
    if (this.#publisher) return Promise.resolve(this.#publisher);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w !== wake);
        reject(new Error(`queue: RabbitMQ did not answer within ${timeoutMs} ms (${redact(this.#o.url)})`));
      }, timeoutMs);
      const wake = (channel: ConfirmChannel | Error) => {
        clearTimeout(timer);
        if (channel instanceof Error) reject(channel);
        else resolve(channel);
      };
      this.#waiters.push(wake);
    });
  }

  /**
   * Publishes to `queue` and waits for RabbitMQ's confirm, across reconnects, for at most
   * `timeoutMs`. Throws {@link PublishRefused} when RabbitMQ nacks it.
   */
  async publish(queue: string, content: Buffer, props: Options.Publish, timeoutMs: number): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const channel = await this.channel(Math.max(1, until - Date.now()));
      const outcome = await new Promise<'ok' | 'nack' | 'closed' | 'timeout'>((resolve) => {
        // A broker that holds publishes (a memory alarm blocks the connection) never confirms.
        const timer = setTimeout(() => resolve('timeout'), Math.max(1, until - Date.now()));
        const done = (result: 'ok' | 'nack' | 'closed') => {
          clearTimeout(timer);
          resolve(result);
        };
        try {
          channel.publish('', queue, content, { persistent: true, ...props }, (err: unknown) => {
            if (!err) done('ok');
            else done(String((err as Error).message).includes('nack') ? 'nack' : 'closed');
          });
        } catch {
          done('closed');
        }
      });
      if (outcome === 'ok') return;
      if (outcome === 'nack') throw new PublishRefused(queue);
      if (outcome === 'timeout' || Date.now() >= until) {
        throw new Error(`queue: publish to ${queue} not confirmed within ${timeoutMs} ms`);
      }
      if (this.#publisher === channel) this.#publisher = undefined;
    }
  }

  /** Declares (or renews) the delay queue holding messages for `realMs`, and returns its name. */
  async delayQueue(realMs: number, timeoutMs: number): Promise<string> {
    const name = this.#o.names.delay(realMs);
    const ms = Number(name.slice(name.lastIndexOf('.') + 1));
    const declared = this.#delays.get(name);
    if (declared !== undefined && Date.now() - declared < REDECLARE_MS) return name;
    const channel = await this.channel(timeoutMs);
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        'x-message-ttl': ms,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': this.#o.names.returned,
        // An unused delay queue goes away; every declaration renews it, and messages always expire
        // (back to the returned queue) long before it could: its expiry is 15 min past their TTL.
        'x-expires': ms + 15 * 60_000,
      },
    });
    this.#delays.set(name, Date.now());
    return name;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#publisher = undefined;
    for (const wake of this.#waiters.splice(0)) wake(new Error('queue: closed'));
    await this.#conn?.close().catch(() => {});
  }
}

/** The queues every producer and worker of `names` declares (same arguments everywhere). */
export async function declareTopology(
  channel: ConfirmChannel,
  names: Names,
  maxLength: number,
): Promise<void> {
  for (const lane of LANES) {
    await channel.assertQueue(names.lane(lane), {
      durable: true,
      arguments: { 'x-max-length': maxLength, 'x-overflow': 'reject-publish' },
    });
  }
  await channel.assertQueue(names.returned, { durable: true });
  await channel.assertQueue(names.dead, { durable: true });
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the AMQP URL';
  }
}
