/**
 * The Redis store's Lua script: one fleet's schedule, on Redis's clock (so hosts whose
 * clocks disagree still share one schedule). It mirrors, line for line:
 * local-schedule.ts (the GCRA bucket, judging a 429, the start's bucket count),
 * learned-rate.ts (the rate, its growth per send, {@link fitLimit}), evidence.ts
 * ({@link judgeThrottles}), recent-sends.ts (the last sends, refusals marked) and
 * known-limit.ts; and serves the fleet's oldest waiting call first. Loaded only with
 * the Redis store (redis-connection.ts).
 *
 * KEYS: the schedule's hash, the hash of waiting processes, the list of recent sends
 * (one hash slot). ARGV: op ('take' | 'throttle'), known rps ('' = learn), the fleet's
 * sending burst at a known limit, ttl ms, then the parameters of {@link scriptParams},
 * then for 'take' the process id, how long its oldest call has waited, the grace of the
 * fleet's queue and how long Hero takes to answer that process; for 'throttle', how long ago (on Redis's clock) the throttled
 * request was sent.
 */
import { FITTED_EVIDENCE, FITTED_SLOW_EVIDENCE, MIN_SENDS, STRICT_EVIDENCE } from './evidence.js';
import { KNOWN_BACKOFF, KNOWN_FLOOR, KNOWN_RECOVERY_PER_SECOND } from './known-limit.js';
import { DEFAULT_LEARNED_RATE, EMPTY_LEVEL, FIT_ROUNDS, MIN_FIT_SENDS, STRAY_FIT, ROUND_TRIPS_PER_DOUBLING, START_BUCKETS_PER_SECOND, type LearnedRateParams } from './learned-rate.js';
import { LEARNED_BURST_SECONDS } from './local-schedule.js';
import { RECENT_SENDS } from './recent-sends.js';

/** ARGV index where the parameters begin (1-based, as Lua counts). */
const PARAMS_AT = 5;

/** The script's parameters, in ARGV order from {@link PARAMS_AT}: the same numbers the local schedule uses. */
export function scriptParams(p: LearnedRateParams = DEFAULT_LEARNED_RATE): number[] {
  return [
    p.startRps,
    p.startDoublingMs,
    p.margin,
    p.plateauMs,
    p.probeDoublingMs,
    p.minRps,
    p.maxRps,
    START_BUCKETS_PER_SECOND,
    LEARNED_BURST_SECONDS,
    STRICT_EVIDENCE.windowMs,
    STRICT_EVIDENCE.minThrottles,
    STRICT_EVIDENCE.share,
    FITTED_EVIDENCE.windowMs,
    FITTED_EVIDENCE.minThrottles,
    FITTED_EVIDENCE.share,
    MIN_SENDS,
    KNOWN_BACKOFF,
    KNOWN_FLOOR,
    KNOWN_RECOVERY_PER_SECOND,
    RECENT_SENDS,
    ROUND_TRIPS_PER_DOUBLING,
    FITTED_SLOW_EVIDENCE.windowMs,
    FITTED_SLOW_EVIDENCE.minThrottles,
    FITTED_SLOW_EVIDENCE.share,
    MIN_FIT_SENDS,
    FIT_ROUNDS,
    EMPTY_LEVEL,
    STRAY_FIT,
  ];
}

/** ARGV index of the first argument after the parameters. */
export const AFTER_PARAMS = PARAMS_AT + scriptParams().length;

export const RATE_LIMIT_SCRIPT = `
local key, wkey, skey = KEYS[1], KEYS[2], KEYS[3]
local op = ARGV[1]
local known = tonumber(ARGV[2])
local knownBurst = tonumber(ARGV[3]) or 1
local ttl = tonumber(ARGV[4])
local a = ${PARAMS_AT}
local startRps, startDoubling, margin, plateau, probeDoubling = tonumber(ARGV[a]), tonumber(ARGV[a+1]), tonumber(ARGV[a+2]), tonumber(ARGV[a+3]), tonumber(ARGV[a+4])
local minRps, maxRps, startBps, burstSec = tonumber(ARGV[a+5]), tonumber(ARGV[a+6]), tonumber(ARGV[a+7]), tonumber(ARGV[a+8])
local sWin, sMin, sShare, fWin, fMin, fShare, minSends = tonumber(ARGV[a+9]), tonumber(ARGV[a+10]), tonumber(ARGV[a+11]), tonumber(ARGV[a+12]), tonumber(ARGV[a+13]), tonumber(ARGV[a+14]), tonumber(ARGV[a+15])
local kBackoff, kFloor, kRecovery, recentMax, rttsPerDoubling = tonumber(ARGV[a+16]), tonumber(ARGV[a+17]), tonumber(ARGV[a+18]), tonumber(ARGV[a+19]), tonumber(ARGV[a+20])
local slWin, slMin, slShare, minFit, fitRounds, emptyLevel = tonumber(ARGV[a+21]), tonumber(ARGV[a+22]), tonumber(ARGV[a+23]), tonumber(ARGV[a+24]), tonumber(ARGV[a+25]), tonumber(ARGV[a+26])
local strayFit = tonumber(ARGV[a+27])
local b = ${AFTER_PARAMS}
local inf = math.huge
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local s = redis.call('HMGET', key, 'tat', 'ep', 'unl', 'fit', 'rps', 'dbl', 'flat', 'bkt', 'empty', 'sf', 'st', 'kf', 'kcut', 'quiet')
local tat = tonumber(s[1]) or now
local ep = tonumber(s[2]) or -1
local unl = tonumber(s[3]) or 1
local fit = tonumber(s[4]) or 0
local rps = tonumber(s[5]) or 0
local dbl = tonumber(s[6]) or 0
local flat = tonumber(s[7]) or now
local bkt = tonumber(s[8]) or 0
local empty = tonumber(s[9]) or now
local sf = tonumber(s[10])
local st = tonumber(s[11])
local kf = tonumber(s[12]) or 1
local kcut = tonumber(s[13]) or 0
local quiet = tonumber(s[14]) or 0

-- known-limit.ts: knownFactorAt()
local function known_factor(at)
  if kf >= 1 then return 1 end
  return math.min(1, kf + kRecovery * math.max(0, at - kcut) / 1000)
end
-- local-schedule.ts: currentRate(); learned-rate.ts: learnedRate()
local function rate(at)
  if known then return known * known_factor(at) end
  if unl == 1 then return maxRps end
  return math.min(maxRps, math.max(minRps, rps))
end
-- local-schedule.ts: learnedBurst()
local function burst_at(r)
  if known then return knownBurst end
  return math.max(1, math.min(bkt / 2, r * burstSec))
end
-- recent-sends.ts note(); learned-rate.ts afterSend(), stepFor()
local function take_send(rtt)
  redis.call('RPUSH', skey, tostring(now))
  redis.call('LTRIM', skey, -recentMax, -1)
  redis.call('PEXPIRE', skey, ttl)
  if not known and unl == 0 and now >= flat and rps < maxRps then rps = rps + math.log(2) * 1000 / math.max(dbl, rttsPerDoubling * rtt) end
end

local result = 0
if op == 'take' then
  -- The fleet's oldest waiting call goes first: each process registers how long its
  -- head has waited; a process that stopped asking (past the time it was told, plus
  -- grace) is dropped until it asks again.
  local pid = ARGV[b]
  local enq = now - (tonumber(ARGV[b + 1]) or 0)
  local grace = tonumber(ARGV[b + 2]) or 50
  local rtt = tonumber(ARGV[b + 3]) or 0
  local older = false
  local others = {}
  local waiting = redis.call('HGETALL', wkey)
  for i = 1, #waiting, 2 do
    local e, x = string.match(waiting[i + 1], '^([^:]+):([^:]+)$')
    e = tonumber(e); x = tonumber(x)
    if e == nil or x == nil or now > x + grace then
      if waiting[i] ~= pid then redis.call('HDEL', wkey, waiting[i]) end
    elseif waiting[i] == pid then
      -- A process's place never moves back: even one that under-reports its wait is served in the end.
      enq = math.min(enq, e)
    else
      others[#others + 1] = e
    end
  end
  for i = 1, #others do
    if others[i] < enq then older = true end
  end
  local r = rate(now)
  if r >= maxRps then
    tat = now
    take_send(rtt)
  else
    local interval = 1000 / r
    local allowed = tat - (burst_at(r) - 1) * interval
    if allowed > now then
      result = allowed - now
    elseif older then
      result = interval
    else
      tat = math.max(tat, now) + interval
      take_send(rtt)
    end
  end
  if result > 0 then
    redis.call('HSET', wkey, pid, tostring(enq) .. ':' .. tostring(now + result))
    redis.call('PEXPIRE', wkey, ttl)
  else
    redis.call('HDEL', wkey, pid)
  end
else
  -- recent-sends.ts: the sends, oldest first, refusals marked with a trailing '!'.
  local list = redis.call('LRANGE', skey, 0, -1)
  local times, refused = {}, {}
  for i = 1, #list do
    local v = list[i]
    local flagged = string.sub(v, -1) == '!'
    if flagged then v = string.sub(v, 1, -2) end
    times[i] = tonumber(v)
    refused[i] = flagged
  end
  local full = #list >= recentMax
  -- recent-sends.ts nearest(): a fleet knows a 429's send only by its time.
  local sentAt = now - (tonumber(ARGV[b]) or 0)
  local best, gap = nil, inf
  for i = #times, 1, -1 do
    if times[i] < sentAt - gap then break end
    if not refused[i] then
      local g = math.abs(times[i] - sentAt)
      if g < gap then best = i; gap = g end
    end
  end
  -- recent-sends.ts between(): indexes of the sends in [from, to]; whether the list reaches back to from.
  local function between(from, to)
    local first = #times + 1
    while first > 1 and times[first - 1] >= from do first = first - 1 end
    local last = first - 1
    while last < #times and times[last + 1] <= to do last = last + 1 end
    return first, last, (first > 1 or not full)
  end
  -- learned-rate.ts hadTokens(): whether a bucket refilling at L (at most cap, level0 at from)
  -- had a token for every accepted send of i0..i1.
  local function had_tokens(i0, i1, from, L, level0, cap)
    local level, at = math.min(cap, level0), from
    for i = i0, i1 do
      level = math.min(cap, level + L * (times[i] - at) / 1000)
      at = times[i]
      if not refused[i] then
        if level < 0.999 then return false end
        level = level - 1
      end
    end
    return true
  end
  -- learned-rate.ts fitLimit(): the least refill rate at which a bucket of cap, at level0 at
  -- from, had a token for every accepted send of i0..i1; the level, then the bucket, raised
  -- until some rate explains them.
  local function fit_limit(i0, i1, from, level0, cap)
    local level = level0
    while not had_tokens(i0, i1, from, maxRps, level, cap) do
      if level < cap then level = math.min(cap, math.floor(level) + 1) else cap = cap + 1; level = cap end
    end
    if had_tokens(i0, i1, from, minRps, level, cap) then return minRps, cap end
    local lo, hi = minRps, maxRps
    for k = 1, 40 do
      local mid = math.sqrt(lo * hi)
      if had_tokens(i0, i1, from, mid, level, cap) then hi = mid else lo = mid end
    end
    return hi, cap
  end
  -- learned-rate.ts bucketFor(): the least bucket, full at the first of sends i0..i1, that
  -- had a token for each accepted one at a refill of rps.
  local function bucket_for(i0, i1, rps)
    local acc = 0
    for i = i0, i1 do
      if not refused[i] then acc = acc + 1 end
    end
    local lo, hi = 1, math.max(1, acc)
    if had_tokens(i0, i1, times[i0], rps, lo, lo) then return lo end
    for k = 1, 30 do
      local mid = (lo + hi) / 2
      if had_tokens(i0, i1, times[i0], rps, mid, mid) then hi = mid else lo = mid end
    end
    return hi
  end
  -- evidence.ts judgeThrottles() over the sends after the last episode in (sent - win, sent].
  local function judge(sent, win, need, share)
    local i0, i1 = between(math.max(sent - win, ep), sent)
    while i0 <= i1 and times[i0] <= ep do i0 = i0 + 1 end
    local throttles, dryAt = 0, nil
    for i = i1, i0, -1 do
      if refused[i] then
        throttles = throttles + 1
        if throttles <= need then dryAt = times[i] end
      end
    end
    if throttles < need or throttles < share * math.max(i1 - i0 + 1, minSends) then return nil end
    return dryAt
  end
  local judged = false
  if best ~= nil then
    refused[best] = true
    redis.call('LSET', skey, best - 1, tostring(times[best]) .. '!')
    local sent = times[best]
    if sent > ep then
      -- local-schedule.ts refused(): the rules by phase.
      local dryAt
      if not known and unl == 0 and fit == 1 then
        dryAt = judge(sent, fWin, fMin, fShare)
        if dryAt == nil then dryAt = judge(sent, slWin, slMin, slShare) end
      else
        dryAt = judge(sent, sWin, sMin, sShare)
      end
      if dryAt ~= nil then
        judged = true
        ep = now
        if known then
          -- known-limit.ts cutKnownMargin()
          kf = math.max(kFloor, known_factor(now) * kBackoff); kcut = now
        else
          local f0, f1, reached = between(empty, sent)
          -- The unpaced start's sends, all answers in (local-schedule.ts startEpisode).
          local g0, g1, startAcc = nil, nil, nil
          if sf ~= nil then
            local s0, s1, got = between(sf, st)
            -- learned-rate.ts acceptedBeforeFirstRefusal()
            local n, any = 0, false
            for i = s0, s1 do
              if refused[i] then break end
              n = n + 1
            end
            for i = s0, s1 do
              if not refused[i] then any = true end
            end
            if got and any then g0 = s0; g1 = s1; startAcc = n end
            sf = nil; st = nil
          end
          if unl == 1 then sf = empty; st = now end
          local startAt, level0 = empty, emptyLevel
          if not reached then startAt = times[f0] or dryAt; level0 = inf end
          -- learned-rate.ts learnFromEpisode()
          local lastRefused = dryAt
          for i = f1, f0, -1 do
            if refused[i] then lastRefused = times[i]; break end
          end
          local nextQuiet = math.max(0, now - lastRefused)
          if unl == 1 then
            local n = 0
            for i = f0, f1 do
              if times[i] <= dryAt and not refused[i] then n = n + 1 end
            end
            bkt = math.max(1, n)
            unl = 0; fit = 0; rps = math.min(startRps, startBps * bkt); dbl = startDoubling; flat = now
          else
            local accepted = 0
            for i = f0, f1 do
              if not refused[i] then accepted = accepted + 1 end
            end
            local rateBefore = math.min(maxRps, math.max(minRps, rps))
            if accepted < minFit then
              local last = now
              if f1 >= f0 then last = times[f1] end
              local got = accepted * 1000 / math.max(1, last - startAt)
              fit = 1; rps = math.max(minRps, math.min(rateBefore * 0.9, margin * got)); dbl = probeDoubling; flat = now + plateau
            else
              -- learned-rate.ts learnFromEpisode() fitFrom(): the level refilled since the last 429, in rounds.
              local function fit_from(b0)
                local L, cap = fit_limit(f0, f1, startAt, level0, b0)
                if level0 ~= inf then
                  for round = 1, fitRounds do L, cap = fit_limit(f0, f1, startAt, level0 + L * quiet / 1000, b0) end
                end
                return L, cap
              end
              local L, cap
              if startAcc ~= nil then
                L, cap = fit_from(math.max(1, startAcc))
                for round = 1, fitRounds do L, cap = fit_from(bucket_for(g0, g1, L)) end
              else
                L, cap = fit_from(bkt)
              end
              if L < rateBefore * strayFit then
                fit = 1; bkt = cap; rps = math.max(minRps, margin * L); dbl = probeDoubling; flat = now + plateau
              end
            end
          end
          empty = now; quiet = nextQuiet
        end
        -- No burst straight after: the server's bucket is empty.
        local r = rate(now)
        if r < maxRps then tat = math.max(tat, now) + (1000 / r) * (burst_at(r) - 1) end
      end
    end
  end
  result = judged and 1 or 0
end
local function str(v) if v == nil then return '' end return tostring(v) end
redis.call('HSET', key, 'tat', tostring(tat), 'ep', tostring(ep), 'unl', tostring(unl), 'fit', tostring(fit), 'rps', tostring(rps),
  'dbl', tostring(dbl), 'flat', tostring(flat), 'bkt', tostring(bkt), 'empty', tostring(empty), 'sf', str(sf), 'st', str(st),
  'kf', tostring(kf), 'kcut', tostring(kcut), 'quiet', tostring(quiet))
redis.call('PEXPIRE', key, ttl)
return tostring(result)
`;
