/**
 * The shared budget's one Lua script, run atomically by Redis: every reservation, refund, header
 * report and pause is one round trip, timed by the Redis server's clock (`TIME`), never a client's.
 *
 * KEYS[1]: the budget hash. KEYS[2]: a sorted set of reservations granted for a later time (score:
 * when they may send), so a header's `remaining` is compared with what the server has seen.
 * ARGV[1]: operation, ARGV[2]: TTL in ms (every key expires when nobody uses the budget).
 *
 * Hash fields: `st` state (`u` unknown, `p` probing, `l` learned, `n` no limits reported), `pu` end
 * of the first wave's lease, `pn` and `pt` its requests and tokens in flight, `pz` paused until, `fx` fixed budget, `t` last refill; per bucket (`r`
 * requests, `k` tokens): `c` capacity, `a` available (negative while reservations wait), `p` refill
 * per ms, `l` the tightest lower bound of the refill rate seen.
 *
 * Reservations never queue in Redis: each one is debited at once and told how long to wait before
 * sending (until the bucket, debts included, would have covered it). That serves the fleet in
 * the order Redis received the reservations, and no process can starve another.
 */
export const BUDGET_SCRIPT = `
if redis.replicate_commands then pcall(redis.replicate_commands) end
local h, z = KEYS[1], KEYS[2]
local op, ttl = ARGV[1], tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local s = {}
local raw = redis.call('HGETALL', h)
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local function num(k, d) local v = s[k]; if v == nil then return d end; return tonumber(v) end
local function save()
  local flat = {}
  for k, v in pairs(s) do flat[#flat + 1] = k; flat[#flat + 1] = tostring(v) end
  redis.call('HSET', h, unpack(flat))
  redis.call('PEXPIRE', h, ttl)
  redis.call('PEXPIRE', z, ttl)
end
local function refill()
  local elapsed = now - num('t', now)
  if elapsed > 0 then
    for _, b in ipairs({'r', 'k'}) do
      local cap = num(b .. 'c', nil)
      if cap then
        local a = num(b .. 'a', cap) + elapsed * num(b .. 'p', 0)
        if a > cap then a = cap end
        s[b .. 'a'] = a
      end
    end
  end
  s.t = now
end
local function fixed(b, perMinute)
  if perMinute == '' then return end
  local c = tonumber(perMinute)
  s[b .. 'c'] = c; s[b .. 'a'] = c; s[b .. 'p'] = c / 60000; s[b .. 'l'] = 0
end
local function seed(b, capacity, rate)
  if capacity == '' then return end
  rate = tonumber(rate)
  s[b .. 'c'] = tonumber(capacity); s[b .. 'a'] = 0; s[b .. 'p'] = rate; s[b .. 'l'] = rate
end
-- The buckets owe ms more of their refill (requests already granted that will still be sent).
local function busy(ms)
  if ms <= 0 then return end
  for _, b in ipairs({'r', 'k'}) do
    if s[b .. 'c'] then s[b .. 'a'] = num(b .. 'a', 0) - ms * num(b .. 'p', 0) end
  end
  s.qe = math.max(num('qe', now), now) + ms
end
local function learn(b, limit, remaining, reset, pending)
  if limit == '' then return end
  limit = tonumber(limit); remaining = tonumber(remaining)
  if s[b .. 'c'] == nil then
    s[b .. 'c'] = limit; s[b .. 'a'] = remaining - pending; s[b .. 'p'] = limit / 60000; s[b .. 'l'] = 0
  end
  if num(b .. 'c', 0) ~= limit then s[b .. 'l'] = 0 end
  s[b .. 'c'] = limit
  local missing = limit - remaining
  if reset ~= '' and tonumber(reset) > 0 and missing > 0 then
    reset = tonumber(reset)
    local lower = math.max(num(b .. 'l', 0), (missing - 1) / reset)
    s[b .. 'l'] = lower
    if lower > 0 then s[b .. 'p'] = lower else s[b .. 'p'] = missing / reset end
  end
  if remaining - pending < num(b .. 'a', 0) then s[b .. 'a'] = remaining - pending end
end

if op == 'reserve' then
  -- ARGV: 3 id, 4 tokens, 5 probe lease ms, 6 fixed rpm, 7 fixed tpm, 8 poll ms,
  -- 9 and 10 the first wave's most requests and tokens; 11..14 the requests' and tokens'
  -- capacity and refill per ms this process learned before the state was lost ('' when unknown);
  -- 15 how long (ms) this process has sent on its fallback budget when it comes back, else '';
  -- 16 how far (ms) the fleet's queue reaches ahead as far as this process knows, 17 the epoch of
  -- the state it last heard from ('' before any), 18 ms until its own last grant is due
  local ahead = tonumber(ARGV[16]) or 0
  if s.st == nil then
    s.t = now
    s.ep = now
    if ARGV[6] ~= '' or ARGV[7] ~= '' then
      s.st = 'l'; s.fx = 1; fixed('r', ARGV[6]); fixed('k', ARGV[7])
    elseif ARGV[11] ~= '' or ARGV[13] ~= '' then
      -- The keys were lost (flushed, evicted, an empty replica or a restarted Redis) while the
      -- fleet was sending: start from the learned limits with an empty bucket, at the refill
      -- rate, rather than a first wave into a budget the fleet has probably spent.
      -- Requests granted before the loss still go: the fleet is busy until its queue's end.
      s.st = 'l'; seed('r', ARGV[11], ARGV[12]); seed('k', ARGV[13], ARGV[14]); busy(ahead)
    else
      s.st = 'u'
    end
  end
  if s.st == 'p' and num('pu', 0) <= now then s.st = 'u' end
  if s.st == 'u' then s.st = 'p'; s.pn = 0; s.pt = 0 end
  if s.st == 'p' then
    local n, t, cost = num('pn', 0), num('pt', 0), tonumber(ARGV[4])
    if n == 0 or (n < tonumber(ARGV[9]) and t + cost <= tonumber(ARGV[10])) then
      s.pn = n + 1; s.pt = t + cost; s.pu = now + tonumber(ARGV[5]); save()
      return {'probe', 0, 0, s.ep}
    end
    return {'poll', math.max(1, math.min(tonumber(ARGV[8]), num('pu', now) - now)), 0, s.ep}
  end
  local wait = num('pz', 0) - now
  if s.st == 'n' then
    save()
    return {'go', math.max(0, math.ceil(wait)), 0, s.ep}
  end
  refill()
  if ARGV[17] ~= nil and ARGV[17] ~= '' and ARGV[17] ~= tostring(s.ep) then
    -- The state was rebuilt since this process was granted requests it has yet to send: they
    -- still go, so a queue that reaches further than the rebuilt state knew is owed again.
    busy(now + (tonumber(ARGV[18]) or 0) - num('qe', now))
  end
  if ARGV[15] ~= nil and ARGV[15] ~= '' then
    -- The fleet sent on its fallback budgets while Redis was away: what the buckets credited
    -- meanwhile is spent (never below empty: a long outage does not make everyone wait for it).
    for _, b in ipairs({'r', 'k'}) do
      local a = num(b .. 'a', nil)
      if a and a > 0 then s[b .. 'a'] = math.max(0, a - tonumber(ARGV[15]) * num(b .. 'p', 0)) end
    end
  end
  local req, tok = 0, 0
  if s.rc then
    req = 1
    local a = num('ra', 0)
    if a < 1 then wait = math.max(wait, (1 - a) / num('rp', 1)) end
    s.ra = a - 1
  end
  if s.kc then
    tok = math.min(tonumber(ARGV[4]), num('kc', 0))
    local a = num('ka', 0)
    if a < tok then wait = math.max(wait, (tok - a) / num('kp', 1)) end
    s.ka = a - tok
  end
  wait = math.max(0, math.ceil(wait))
  if wait > 0 then redis.call('ZADD', z, now + wait, ARGV[3] .. ':' .. req .. ':' .. tok) end
  save()
  return {'go', wait, tok, s.ep}
end

if s.st == nil then return {'gone', 0, 0} end

if op == 'cancel' then
  -- ARGV: 3 id, 4 requests, 5 tokens: a reservation that will not be sent gives its budget back
  refill()
  if s.rc then s.ra = math.min(num('rc', 0), num('ra', 0) + tonumber(ARGV[4])) end
  if s.kc then s.ka = math.min(num('kc', 0), num('ka', 0) + tonumber(ARGV[5])) end
  redis.call('ZREM', z, ARGV[3] .. ':' .. ARGV[4] .. ':' .. ARGV[5])
elseif op == 'settle' then
  -- ARGV: 3 token refund (reserved minus charged), 4 first wave, 5 responded, 6 its wave tokens
  refill()
  local refund = tonumber(ARGV[3])
  if s.kc and refund ~= 0 then s.ka = math.min(num('kc', 0), num('ka', 0) + refund) end
  if ARGV[4] == '1' and s.st == 'p' then
    s.pn = math.max(0, num('pn', 0) - 1); s.pt = math.max(0, num('pt', 0) - tonumber(ARGV[6] or '0'))
    if ARGV[5] == '1' then s.st = 'n' elseif s.pn == 0 then s.st = 'u' end
  end
elseif op == 'observe' then
  -- ARGV: 3..5 requests limit, remaining, reset ms; 6..8 the same for tokens ('' when absent);
  -- 9 the tokens of the reporting request when it was of the first wave, else ''
  if s.fx then return {'fixed', 0, 0} end
  refill()
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
  local pr, pk = 0, 0
  for _, m in ipairs(redis.call('ZRANGE', z, 0, -1)) do
    local _, _, r, k = string.find(m, ':(%d+):([%d%.]+)$')
    pr = pr + tonumber(r); pk = pk + tonumber(k)
  end
  if s.st == 'p' and ARGV[9] ~= nil and ARGV[9] ~= '' then
    -- The first report: the rest of the first wave may not have reached the server yet.
    pr = pr + math.max(0, num('pn', 1) - 1); pk = pk + math.max(0, num('pt', 0) - tonumber(ARGV[9]))
  end
  learn('r', ARGV[3], ARGV[4], ARGV[5], pr)
  learn('k', ARGV[6], ARGV[7], ARGV[8], pk)
  s.st = 'l'
elseif op == 'pause' then
  -- ARGV: 3 ms: a 429 said when to come back; every process waits until then
  local untilMs = now + tonumber(ARGV[3])
  if untilMs > num('pz', 0) then s.pz = untilMs end
end
save()
return {'ok', 0, 0}
`;
