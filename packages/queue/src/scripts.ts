// The Lua scripts of the job state: each transition is one atomic script on the job's one key
// (Cluster-safe), so two workers holding copies of one job can never both take it. Times come from
// the caller's clock (ARGV), the same one events and `status()` use.

const FINISH_FIELDS = `redis.call('HDEL', k, 'lease', 'leaseUntil', 'until', 'reason')`;

/** Creates the state of a new job, unless a published job already holds the id (enqueue is idempotent). */
export const CREATE = `
local k = KEYS[1]
if redis.call('HGET', k, 'published') == '1' then return {'exists', redis.call('HGET', k, 'state')} end
redis.call('DEL', k)
redis.call('HSET', k, 'state', 'queued', 'lane', ARGV[2], 'key', ARGV[3], 'tags', ARGV[4], 'endpoint', ARGV[5],
  'enqueuedAt', ARGV[6], 'deadline', ARGV[7], 'attempts', '0', 'failures', '0', 'published', '0')
redis.call('PEXPIRE', k, ARGV[1])
return {'created'}
`;

/** RabbitMQ confirmed the publish. */
export const PUBLISHED = `
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('HSET', KEYS[1], 'published', '1') end
return 1
`;

/** RabbitMQ refused the publish (the lane is full): the job failed before it existed; the id may be enqueued again. */
export const REFUSED = `
local k = KEYS[1]
redis.call('HSET', k, 'state', 'failed', 'why', 'queue-full', 'failure', ARGV[3], 'finishedAt', ARGV[1], 'published', '0')
redis.call('PEXPIRE', k, ARGV[2])
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1
`;

/**
 * A worker takes a delivered job: final → drop it; another live lease → delay the copy; deadline
 * passed → fail it; a retry copy arriving early → delay it; else take the lease. A job whose state is
 * gone (its TTL passed, Redis lost it) is recreated from the message.
 */
export const CLAIM = `
local k = KEYS[1]
local now = tonumber(ARGV[1])
if redis.call('EXISTS', k) == 0 then
  redis.call('HSET', k, 'state', 'queued', 'lane', ARGV[5], 'key', ARGV[6], 'tags', ARGV[7], 'endpoint', ARGV[8],
    'enqueuedAt', ARGV[9], 'deadline', ARGV[10], 'attempts', '0', 'failures', '0', 'published', '1')
end
local h = redis.call('HMGET', k, 'state', 'lease', 'leaseUntil', 'deadline', 'until', 'why', 'enqueuedAt')
local state = h[1]
if state == 'done' or state == 'failed' then return {'final', state} end
local lease = h[2]
local held = lease and lease ~= ''
if held and tonumber(h[3] or '0') > now then
  if lease ~= ARGV[3] then return {'leased', tostring(tonumber(h[3]) - now)} end
  if ARGV[11] ~= '1' then return {'mine'} end
end
if h[4] and h[4] ~= '' and now >= tonumber(h[4]) then
  redis.call('HSET', k, 'state', 'failed', 'why', 'deadline', 'failure', ARGV[13], 'finishedAt', ARGV[1])
  ${FINISH_FIELDS}
  redis.call('PEXPIRE', k, ARGV[2])
  redis.call('PUBLISH', ARGV[14], ARGV[15])
  return {'expired'}
end
if state == 'waiting' and h[6] == 'retry' and h[5] and tonumber(h[5]) - now > tonumber(ARGV[12]) then
  return {'early', tostring(tonumber(h[5]) - now)}
end
local inDoubt = (held and lease ~= ARGV[3]) and '1' or '0'
local attempts = redis.call('HINCRBY', k, 'attempts', 1)
redis.call('HSET', k, 'state', 'running', 'lease', ARGV[3], 'leaseUntil', tostring(now + tonumber(ARGV[4])),
  'startedAt', ARGV[1], 'inDoubt', inDoubt, 'worker', ARGV[3])
redis.call('HDEL', k, 'until', 'why', 'reason')
redis.call('PEXPIRE', k, ARGV[2])
return {'claimed', tostring(attempts), inDoubt, h[7] or ARGV[9]}
`;

/** Extends the lease while the worker still holds it. */
export const RENEW = `
local k = KEYS[1]
if redis.call('HGET', k, 'lease') ~= ARGV[2] then return 0 end
redis.call('HSET', k, 'leaseUntil', tostring(tonumber(ARGV[1]) + tonumber(ARGV[3])))
redis.call('PEXPIRE', k, ARGV[4])
return 1
`;

/** A running job waits for quota inside its worker (`waiting`), or is sent now (`running`). */
export const MARK = `
local k = KEYS[1]
if redis.call('HGET', k, 'lease') ~= ARGV[1] then return 0 end
if ARGV[2] == 'running' then
  redis.call('HSET', k, 'state', 'running')
  redis.call('HDEL', k, 'until', 'why')
else
  redis.call('HSET', k, 'state', 'waiting', 'until', ARGV[3], 'why', 'quota')
end
return 1
`;

/** The job is done or failed: first outcome wins. Announced on the finished channel. */
export const FINISH = `
local k = KEYS[1]
local state = redis.call('HGET', k, 'state')
if state == 'done' or state == 'failed' then return 'already' end
if ARGV[4] == 'done' then
  redis.call('HSET', k, 'state', 'done', 'result', ARGV[5], 'requestId', ARGV[6], 'finishedAt', ARGV[1])
else
  redis.call('HSET', k, 'state', 'failed', 'failure', ARGV[5], 'why', ARGV[7], 'finishedAt', ARGV[1])
end
${FINISH_FIELDS}
redis.call('PEXPIRE', k, ARGV[2])
redis.call('PUBLISH', ARGV[8], ARGV[9])
return 'ok'
`;

/**
 * A retryable failure: the job waits until ARGV[4], unless that was its last allowed failure
 * (exhausted) or the wait ends past its deadline; then it fails now.
 */
export const DELAY = `
local k = KEYS[1]
local h = redis.call('HMGET', k, 'state', 'lease', 'deadline', 'failures')
if h[1] == 'done' or h[1] == 'failed' then return {'already'} end
if h[2] and h[2] ~= '' and h[2] ~= ARGV[3] then return {'lost'} end
local failures = tonumber(h[4] or '0')
if ARGV[7] == '1' then
  failures = failures + 1
  redis.call('HSET', k, 'failures', tostring(failures))
end
local fail = nil
local failure = ARGV[9]
if ARGV[7] == '1' and failures >= tonumber(ARGV[8]) then fail = 'exhausted'
elseif h[3] and h[3] ~= '' and tonumber(ARGV[4]) >= tonumber(h[3]) then
  fail = 'deadline'
  failure = ARGV[12]
end
if fail then
  redis.call('HSET', k, 'state', 'failed', 'why', fail, 'failure', failure, 'finishedAt', ARGV[1])
  ${FINISH_FIELDS}
  redis.call('PEXPIRE', k, ARGV[2])
  redis.call('PUBLISH', ARGV[10], ARGV[11])
  return {'failed', fail}
end
redis.call('HSET', k, 'state', 'waiting', 'until', ARGV[4], 'why', ARGV[5], 'reason', ARGV[6])
redis.call('HDEL', k, 'lease', 'leaseUntil')
redis.call('PEXPIRE', k, ARGV[2])
return {'delayed'}
`;

/** A stopping worker gives the job back: queued again, with no lease, for the next worker at once. */
export const RELEASE = `
local k = KEYS[1]
if redis.call('HGET', k, 'lease') ~= ARGV[1] then return 0 end
local state = redis.call('HGET', k, 'state')
if state == 'running' or state == 'waiting' then redis.call('HSET', k, 'state', 'queued') end
redis.call('HDEL', k, 'lease', 'leaseUntil', 'until', 'why')
return 1
`;
