/**
 * The one Redis script behind every store operation, so each costs a single EVALSHA round trip.
 * It mirrors ./bucket.ts line for line, on Redis's own clock (TIME), atomically.
 *
 * KEYS: 1 the key's state, 2 its process heartbeats (both under one hash tag: Cluster-safe).
 * ARGV: 1 mode ('a' acquire | 's' settle | 'i' inspect);
 *       2 the spec, one string: "<limit> <capacity> <rate per ms>" for requests, then for tokens
 *         (limit 0 = not limited);
 *   acquire: 3 process id ('' = no heartbeat), 4 heartbeat ttl ms, 5 the batch, one string of
 *     triples in arrival order: requests cost, tokens cost, longest wait the caller accepts
 *     → "<processes|-1> <now> <cooldown ms left>" then per acquire
 *       "<admitted 1|0> <wait ms> <reason 0 none|1 requests|2 tokens|3 cooldown> <mark r|-> <mark t|->"
 *   inspect ('i'): → "<cooldown ms left> <level r|-> <admitted r|-> <level t|-> <admitted t|->", no write
 *   settle: 3 the batch, one string of 8-tuples: requests refund, tokens refund (< 0 charges),
 *     requests remaining, tokens remaining, cooldown ms, requests mark, tokens mark, sent at
 *     ('-' = none) → "<cooldown ms left>"
 * Strings both ways: one bulk string costs the client far less to write and read than many numbers.
 *
 * A batch is what one process's callers asked for in one turn of its event loop; each operation in
 * it is decided alone, in order, as if sent one by one (each acquire all-or-nothing).
 *
 * The state is one string of nine packed doubles (struct.pack: exact, no formatting cost): per
 * dimension level, time, admitted counter, time of the last server report; then the cooldown end.
 * Levels are "as of" their time, which a reservation puts in the future. A missing dimension is
 * full; the key expires when both buckets would be full again and the cooldown is over. A refused
 * acquire writes nothing.
 */
export const LIMITER_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local mode = ARGV[1]

local p = {}
for x in string.gmatch(ARGV[2], '%S+') do p[#p + 1] = tonumber(x) end
local function spec(i)
  if p[i] <= 0 then return nil end
  return { limit = p[i], cap = p[i + 1], rate = p[i + 2] }
end
local dims = { spec(1), spec(4) }

local raw = redis.call('GET', KEYS[1])
local s
if raw then
  s = { struct.unpack('<ddddddddd', raw) }
else
  s = { -1, -1, 0, -1e300, -1, -1, 0, -1e300, 0 }
end
-- s[4i-3] level, s[4i-2] at (-1: never written, full), s[4i-1] admitted, s[4i] reported at; s[9] cooldown end

local function seen(i)
  local d = dims[i]
  local b = 4 * i - 3
  if s[b + 1] < 0 then return d.limit end
  local level = s[b] + (now - s[b + 1]) * d.rate
  if level > d.limit then level = d.limit end
  return level
end

local function save()
  local ttl = s[9] - now
  for i = 1, 2 do
    local d = dims[i]
    local b = 4 * i - 3
    if d and s[b + 1] >= 0 then
      local level = seen(i)
      if level < d.limit and d.rate > 0 then
        local full = (d.limit - level) / d.rate
        if full > ttl then ttl = full end
      end
    end
  end
  if ttl < 1 then ttl = 1 end
  redis.call('SET', KEYS[1], struct.pack('<ddddddddd', s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]), 'PX', math.ceil(ttl) + 10)
end

local function cooldownLeft()
  if s[9] > now then return math.ceil(s[9] - now) end
  return 0
end

if mode == 'i' then
  local out = { tostring(cooldownLeft()) }
  for i = 1, 2 do
    if dims[i] then
      out[#out + 1] = tostring(seen(i)) .. ' ' .. tostring(s[4 * i - 1])
    else
      out[#out + 1] = '- -'
    end
  end
  return table.concat(out, ' ')
end

if mode == 'a' then
  local procs = '-1'
  if ARGV[3] ~= '' then
    local ttl = tonumber(ARGV[4])
    redis.call('ZADD', KEYS[2], now, ARGV[3])
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
    redis.call('PEXPIRE', KEYS[2], ttl)
    procs = tostring(redis.call('ZCARD', KEYS[2]))
  end
  local q = {}
  for x in string.gmatch(ARGV[5], '%S+') do q[#q + 1] = tonumber(x) end
  local out = {}
  local charged = false
  for base = 1, #q, 3 do
    local wait, reason = 0, 0
    if s[9] > now then wait, reason = s[9] - now, 3 end
    local l = { 0, 0 }
    for i = 1, 2 do
      local d = dims[i]
      if d then
        l[i] = seen(i)
        local need = q[base + i - 1]
        if need > d.limit then need = d.limit end
        if l[i] + 1e-9 + need * 1e-12 < need then
          local w = math.huge
          if d.rate > 0 then w = (need - l[i]) / d.rate end
          if w > wait then wait, reason = w, i end
        end
      end
    end
    if wait > q[base + 2] then
      out[#out + 1] = '0 ' .. math.max(1, math.ceil(wait)) .. ' ' .. reason .. ' - -'
    else
      charged = true
      wait = math.ceil(wait)
      local marks = { '-', '-' }
      for i = 1, 2 do
        local d = dims[i]
        if d then
          local b = 4 * i - 3
          local level = l[i] + wait * d.rate
          if level > d.limit then level = d.limit end
          if level > d.cap then level = d.cap end
          s[b], s[b + 1] = level - q[base + i - 1], now + wait
          s[b + 2] = s[b + 2] + q[base + i - 1]
          marks[i] = tostring(s[b + 2])
        end
      end
      out[#out + 1] = '1 ' .. wait .. ' ' .. reason .. ' ' .. marks[1] .. ' ' .. marks[2]
    end
  end
  if charged then save() end
  return procs .. ' ' .. tostring(now) .. ' ' .. cooldownLeft() .. ' ' .. table.concat(out, ' ')
end

local q = {}
for x in string.gmatch(ARGV[3], '%S+') do q[#q + 1] = x end
local changed = false
for base = 1, #q, 8 do
  local sentAt = tonumber(q[base + 7])
  for i = 1, 2 do
    local d = dims[i]
    if d then
      local b = 4 * i - 3
      local amount = tonumber(q[base + i - 1])
      local remaining = tonumber(q[base + i + 1])
      local mark = tonumber(q[base + i + 4])
      if amount ~= 0 or (remaining and mark) then
        local level = seen(i)
        if s[b + 1] < 0 then s[b + 2], s[b + 3] = 0, -1e300 end
        if amount < 0 then
          level = level + amount
        elseif amount > 0 then
          local ceiling = d.cap
          if level > ceiling then ceiling = level end
          level = level + amount
          if level > ceiling then level = ceiling end
        end
        s[b], s[b + 1] = level, now
        if remaining and mark and sentAt and sentAt >= s[b + 3] then
          local known = remaining
          if known > d.limit then known = d.limit end
          s[b] = known - math.max(0, s[b + 2] - mark)
          s[b + 3] = sentAt
        end
        changed = true
      end
    end
  end
  local cdms = tonumber(q[base + 4])
  if cdms and cdms > 0 and now + cdms > s[9] then
    s[9] = now + cdms
    changed = true
  end
end
if changed then save() end
return tostring(cooldownLeft())
`;
