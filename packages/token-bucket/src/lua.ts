/**
 * The one Redis script behind every store operation, so each costs a single EVALSHA round trip.
 * It mirrors ./bucket.ts line for line, on Redis's own clock (TIME), atomically.
 *
 * KEYS: 1 the key's state, 2 its process heartbeats (both under one hash tag: Cluster-safe).
 * ARGV: 1 mode ('a' acquire | 's' settle);
 *       2 the spec, one string: "<limit> <capacity> <rate per ms>" for requests, then for tokens
 *         (limit 0 = not limited); one argument, since every argument costs the client time;
 *   acquire: 3 process id ('' = no heartbeat), 4 heartbeat ttl ms, 5 the batch as one string of
 *     triples, in order: requests cost, tokens cost, longest wait the caller accepts (a
 *     reservation within it is charged now)
 *     → one string: processes (-1 unknown), then per acquire: admitted 1|0, wait ms (ceil),
 *       reason 0 none|1 requests|2 tokens|3 cooldown. Strings both ways: one bulk string costs
 *       the client far less to write and read than three numbers per acquire.
 *   settle: 3 requests refund, 4 tokens refund (< 0 charges), 5 requests remaining, 6 tokens
 *     remaining ('' = not told), 7 cooldown ms ('0' = none) → { 1 }
 *
 * A batch is what one process's callers asked for while its previous call was on the wire; each
 * acquire in it is all-or-nothing on its own, decided in arrival order, as if sent one by one.
 *
 * The state is one string of five packed doubles (struct.pack: exact, no formatting cost):
 * requests level and time, tokens level and time, cooldown end. Levels are "as of" their time,
 * which a reservation puts in the future. A missing state is full; the key expires when both
 * buckets would be full again and the cooldown is over. A denial writes nothing.
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
  local l1, a1, l2, a2, cd = struct.unpack('<ddddd', raw)
  s = { l1, a1, l2, a2, cd }
else
  s = { -1, -1, -1, -1, 0 }
end

local function seen(i)
  local d = dims[i]
  local at = s[2 * i]
  if at < 0 then return d.limit end
  local level = s[2 * i - 1] + (now - at) * d.rate
  if level > d.limit then level = d.limit end
  return level
end

local function save()
  local ttl = s[5] - now
  for i = 1, 2 do
    local d = dims[i]
    if d and s[2 * i] >= 0 then
      local full = s[2 * i] - now
      if s[2 * i - 1] < d.limit then full = full + (d.limit - s[2 * i - 1]) / d.rate end
      if full > ttl then ttl = full end
    end
  end
  redis.call('SET', KEYS[1], struct.pack('<ddddd', s[1], s[2], s[3], s[4], s[5]), 'PX', math.ceil(ttl) + 10)
end

if mode == 'a' then
  local out = { '-1' }
  if ARGV[3] ~= '' then
    local ttl = tonumber(ARGV[4])
    redis.call('ZADD', KEYS[2], now, ARGV[3])
    redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
    redis.call('PEXPIRE', KEYS[2], ttl)
    out[1] = tostring(redis.call('ZCARD', KEYS[2]))
  end
  local q = {}
  for x in string.gmatch(ARGV[5], '%S+') do q[#q + 1] = tonumber(x) end
  local d1, d2 = dims[1], dims[2]
  local charged = false
  -- A cooldown is waited out, never reserved through: the server may still be refusing.
  local cooling = nil
  if s[5] > now then cooling = '0 ' .. math.max(1, math.ceil(s[5] - now)) .. ' 3' end
  for base = 1, #q, 3 do
    if cooling then
      out[#out + 1] = cooling
    else
      local wait, reason, l1, l2 = 0, 0, 0, 0
      local need1, need2 = q[base], q[base + 1]
      if d1 then
        l1 = seen(1)
        local need = need1
        if need > d1.limit then need = d1.limit end
        if l1 + 1e-9 + need * 1e-12 < need then wait, reason = (need - l1) / d1.rate, 1 end
      end
      if d2 then
        l2 = seen(2)
        local need = need2
        if need > d2.limit then need = d2.limit end
        if l2 + 1e-9 + need * 1e-12 < need then
          local w = (need - l2) / d2.rate
          if w > wait then wait, reason = w, 2 end
        end
      end
      if wait > q[base + 2] then
        out[#out + 1] = '0 ' .. math.max(1, math.ceil(wait)) .. ' ' .. reason
      else
        charged = true
        if wait > 0 then
          wait = math.ceil(wait)
          out[#out + 1] = '1 ' .. wait .. ' 0'
        else
          out[#out + 1] = '1 0 0'
        end
        if d1 then
          local level = l1 + wait * d1.rate
          if level > d1.cap then level = d1.cap end
          s[1], s[2] = level - need1, now + wait
        end
        if d2 then
          local level = l2 + wait * d2.rate
          if level > d2.cap then level = d2.cap end
          s[3], s[4] = level - need2, now + wait
        end
      end
    end
  end
  if charged then save() end
  return table.concat(out, ' ')
end

local changed = false
for i = 1, 2 do
  local d = dims[i]
  if d then
    local amount = tonumber(ARGV[2 + i])
    local remaining = tonumber(ARGV[4 + i])
    if amount ~= 0 or remaining then
      local level = seen(i)
      if amount < 0 then
        level = level + amount
      elseif amount > 0 then
        local ceiling = d.cap
        if level > ceiling then ceiling = level end
        level = level + amount
        if level > ceiling then level = ceiling end
      end
      if remaining and level > remaining then level = remaining end
      s[2 * i - 1], s[2 * i] = level, now
      changed = true
    end
  end
end
local cdms = tonumber(ARGV[7])
if cdms > 0 and now + cdms > s[5] then
  s[5] = now + cdms
  changed = true
end
if changed then save() end
return { 1 }
`;
