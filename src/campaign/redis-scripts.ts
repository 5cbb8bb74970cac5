/**
 * The Redis journal's Lua scripts: every change of an item's status is one atomic script,
 * on Redis's clock, so workers whose clocks disagree still agree on leases.
 *
 * Keys (one hash tag, so Redis Cluster keeps them in one slot):
 *   1 meta     hash: fp (fingerprint), n (items), loaded (keys stored), next (first never-claimed
 *              index), run, created, lastAt, and counters sent, failed, failedRetry, unknown, sending, claimed
 *   2 keys     list: the item keys, by index
 *   3 state    hash: index → "status|atMs|worker|code|retry" (no field = pending)
 *   4 returned list: indexes given back (released, or claimed by a worker that died) to claim first
 *   5 workers  hash: worker id → lease expiry (ms, Redis clock)
 *   6 held     hash: index → worker, for items claimed or being sent
 *
 * An item goes claimed (a worker will run it) → sending (its request may leave) → sent,
 * failed or outcome-unknown. A worker whose lease expired is reaped by the next script that
 * runs: its claimed items go back to `returned` for the others; its sending items become
 * outcome-unknown (`lease-expired`) and are never handed out again. A worker whose lease
 * expired cannot mark anything `sending` (the script refuses), so it cannot send an item
 * someone else now holds. Why not BullMQ or a stream consumer group: docs/campaigns.md.
 */

/** Shared by every script: the clock, parsing a state value, and reaping dead workers. */
const PRELUDE = `
local meta, keys, state, returned, workers, held = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function parse(v)
  return string.match(v, '^([^|]*)|([^|]*)|([^|]*)|([^|]*)|([^|]*)$')
end
local function put(idx, status, worker, code, retry)
  redis.call('HSET', state, idx, status .. '|' .. string.format('%d', now) .. '|' .. worker .. '|' .. code .. '|' .. retry)
end
local function count(status, retry, by)
  if status == 'sent' then redis.call('HINCRBY', meta, 'sent', by)
  elseif status == 'failed' then
    redis.call('HINCRBY', meta, 'failed', by)
    if retry == '1' then redis.call('HINCRBY', meta, 'failedRetry', by) end
  elseif status == 'outcome-unknown' then redis.call('HINCRBY', meta, 'unknown', by)
  elseif status == 'sending' then redis.call('HINCRBY', meta, 'sending', by)
  elseif status == 'claimed' then redis.call('HINCRBY', meta, 'claimed', by) end
end
-- Items held by workers in dead (a set) or by no registered worker: claimed ones go back, sending ones
-- become outcome-unknown with code why ('lease-expired' for a dead worker).
local function reap_held(dead, orphans, why)
  local h = redis.call('HGETALL', held)
  for i = 1, #h, 2 do
    local idx, w = h[i], h[i + 1]
    if dead[w] or (orphans and redis.call('HEXISTS', workers, w) == 0) then
      local v = redis.call('HGET', state, idx)
      local s = v and parse(v)
      if s == 'claimed' then
        redis.call('HDEL', state, idx)
        redis.call('RPUSH', returned, idx)
        count('claimed', '0', -1)
      elseif s == 'sending' then
        put(idx, 'outcome-unknown', w, why or 'lease-expired', '0')
        count('sending', '0', -1)
        count('outcome-unknown', '0', 1)
      end
      redis.call('HDEL', held, idx)
    end
  end
end
local function reap()
  local ws = redis.call('HGETALL', workers)
  local dead, any = {}, false
  for i = 1, #ws, 2 do
    if tonumber(ws[i + 1]) < now then dead[ws[i]] = true; any = true end
  end
  if not any then return end
  reap_held(dead, false)
  for w in pairs(dead) do redis.call('HDEL', workers, w) end
end
local function alive(worker)
  local e = redis.call('HGET', workers, worker)
  return e and tonumber(e) >= now
end
`;

/**
 * open(fp, n, worker, leaseMs, retentionMs): refuses another campaign's journal ('mismatch') and one
 * missing a part or whose parts disagree ('damaged', naming the part), creates
 * the campaign, reaps, and when no worker is alive starts a new run: retryable failures go
 * back in the queue. Registers the worker. Returns {'ok', loaded, run, fresh}.
 */
export const OPEN_SCRIPT = `${PRELUDE}
local fp = redis.call('HGET', meta, 'fp')
if fp and fp ~= ARGV[1] then return {'mismatch', redis.call('HGET', meta, 'n') or ''} end
-- Every key has a TTL, so a Redis short of memory under a volatile-* policy may evict any one of
-- them: a journal missing a part is refused, never read as a new campaign or as pending items.
if not fp and redis.call('EXISTS', keys, state, returned, held) > 0 then return {'damaged', 'meta'} end
if fp then
  local function n(field) return tonumber(redis.call('HGET', meta, field) or '0') end
  if redis.call('LLEN', keys) ~= n('loaded') then return {'damaged', 'keys'} end
  if redis.call('HLEN', state) ~= n('sent') + n('failed') + n('unknown') + n('sending') + n('claimed') then return {'damaged', 'state'} end
  if redis.call('HLEN', held) ~= n('sending') + n('claimed') then return {'damaged', 'held'} end
end
if not fp then
  redis.call('HSET', meta, 'fp', ARGV[1], 'n', ARGV[2], 'v', '1', 'loaded', 0, 'next', 0, 'run', 0, 'created', string.format('%d', now),
    'sent', 0, 'failed', 0, 'failedRetry', 0, 'unknown', 0, 'sending', 0, 'claimed', 0)
end
reap()
local run = tonumber(redis.call('HGET', meta, 'run'))
local fresh = redis.call('HLEN', workers) == 0
if fresh then
  run = run + 1
  redis.call('HSET', meta, 'run', run)
  reap_held({}, true)
  local all = redis.call('HGETALL', state)
  for i = 1, #all, 2 do
    local s, at, w, code, retry = parse(all[i + 1])
    if s == 'failed' and retry == '1' then
      redis.call('HDEL', state, all[i])
      redis.call('RPUSH', returned, all[i])
      count('failed', '1', -1)
    end
  end
end
redis.call('HSET', workers, ARGV[3], string.format('%d', now + tonumber(ARGV[4])))
redis.call('HSET', meta, 'lastAt', string.format('%d', now))
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[5]) end
return {'ok', redis.call('HGET', meta, 'loaded'), tostring(run), fresh and '1' or '0'}
`;

/** load(fp, start, key…): appends keys from index `start` unless already there. Returns how many are stored. */
export const LOAD_SCRIPT = `${PRELUDE}
if redis.call('HGET', meta, 'fp') ~= ARGV[1] then return -1 end
local loaded = tonumber(redis.call('HGET', meta, 'loaded'))
if loaded ~= tonumber(ARGV[2]) then return loaded end
for i = 3, #ARGV do redis.call('RPUSH', keys, ARGV[i]) end
redis.call('HSET', meta, 'loaded', loaded + #ARGV - 2)
return loaded + #ARGV - 2
`;

/**
 * claim(worker, leaseMs): renews the lease and hands out one item (given-back items first).
 * Returns {'item', index}, {'wait'} (none free, but claimed items may come back), {'done'},
 * or {'lost'} (this worker's lease expired).
 */
export const CLAIM_SCRIPT = `${PRELUDE}
reap()
if not alive(ARGV[1]) then return {'lost'} end
redis.call('HSET', workers, ARGV[1], string.format('%d', now + tonumber(ARGV[2])))
local idx = redis.call('LPOP', returned)
while idx and redis.call('HEXISTS', state, idx) == 1 do idx = redis.call('LPOP', returned) end
if not idx then
  local nxt = tonumber(redis.call('HGET', meta, 'next'))
  local loaded = tonumber(redis.call('HGET', meta, 'loaded'))
  -- An index that already has a state is never handed out again, whatever 'next' says.
  while nxt < loaded and redis.call('HEXISTS', state, tostring(nxt)) == 1 do nxt = nxt + 1 end
  if nxt < loaded then
    idx = tostring(nxt)
    nxt = nxt + 1
  end
  redis.call('HSET', meta, 'next', nxt)
end
if not idx then
  if tonumber(redis.call('HGET', meta, 'claimed')) > 0 then return {'wait'} end
  return {'done'}
end
put(idx, 'claimed', ARGV[1], '', '0')
redis.call('HSET', held, idx, ARGV[1])
count('claimed', '0', 1)
return {'item', idx}
`;

/** mark(worker, index): claimed → sending, only for the worker holding it with a live lease. Returns 'ok' or 'lost'. */
export const MARK_SCRIPT = `${PRELUDE}
reap()
if not alive(ARGV[1]) then return 'lost' end
local v = redis.call('HGET', state, ARGV[2])
if not v then return 'lost' end
local s, at, w = parse(v)
if w ~= ARGV[1] then return 'lost' end
if s == 'sending' then return 'ok' end
if s ~= 'claimed' then return 'lost' end
put(ARGV[2], 'sending', ARGV[1], '', '0')
count('claimed', '0', -1)
count('sending', '0', 1)
redis.call('HSET', meta, 'lastAt', string.format('%d', now))
return 'ok'
`;

/**
 * settle(worker, index, status, code, retry): records how the item ended. Also takes the
 * late report of a worker whose lease ran out while it was sending (what it saw beats
 * "unknown"). Returns 'ok', 'late' or 'lost'.
 */
export const SETTLE_SCRIPT = `${PRELUDE}
local v = redis.call('HGET', state, ARGV[2])
if not v then return 'lost' end
local s, at, w, code, retry = parse(v)
if w ~= ARGV[1] then return 'lost' end
local answer = 'ok'
if s == 'claimed' or s == 'sending' then
  redis.call('HDEL', held, ARGV[2])
elseif s == 'outcome-unknown' and code == 'lease-expired' and ARGV[3] ~= 'outcome-unknown' then
  answer = 'late'
else
  return 'lost'
end
count(s, retry, -1)
count(ARGV[3], ARGV[5], 1)
put(ARGV[2], ARGV[3], ARGV[1], ARGV[4], ARGV[5])
redis.call('HSET', meta, 'lastAt', string.format('%d', now))
return answer
`;

/** release(worker, index…): gives back items the worker claimed but never started. */
export const RELEASE_SCRIPT = `${PRELUDE}
local given = 0
for i = 2, #ARGV do
  local v = redis.call('HGET', state, ARGV[i])
  if v then
    local s, at, w = parse(v)
    if s == 'claimed' and w == ARGV[1] then
      redis.call('HDEL', state, ARGV[i])
      redis.call('HDEL', held, ARGV[i])
      redis.call('RPUSH', returned, ARGV[i])
      count('claimed', '0', -1)
      given = given + 1
    end
  end
end
return given
`;

/** heartbeat(worker, leaseMs, retentionMs): renews the lease and the keys' expiry. Returns 'ok' or 'lost'. */
export const HEARTBEAT_SCRIPT = `${PRELUDE}
reap()
if not alive(ARGV[1]) then return 'lost' end
redis.call('HSET', workers, ARGV[1], string.format('%d', now + tonumber(ARGV[2])))
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
return 'ok'
`;

/**
 * leave(worker, retentionMs): the worker is done. Items it still holds are settled for it:
 * claimed ones go back, sending ones (a settle that could not be written) become outcome-unknown.
 */
export const LEAVE_SCRIPT = `${PRELUDE}
redis.call('HDEL', workers, ARGV[1])
local dead = {}
dead[ARGV[1]] = true
reap_held(dead, false, 'interrupted')
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 'ok'
`;

/** counts(): {n, sent, failed, failedRetry, unknown, sending, claimed, live workers, run, lastAt}. Read-only. */
export const COUNTS_SCRIPT = `${PRELUDE}
local m = redis.call('HMGET', meta, 'n', 'sent', 'failed', 'failedRetry', 'unknown', 'sending', 'claimed', 'run', 'lastAt')
local ws = redis.call('HGETALL', workers)
local live = 0
for i = 1, #ws, 2 do if tonumber(ws[i + 1]) >= now then live = live + 1 end end
return {m[1] or '', m[2] or '0', m[3] or '0', m[4] or '0', m[5] or '0', m[6] or '0', m[7] or '0', tostring(live), m[8] or '0', m[9] or ''}
`;

/**
 * snapshot(): everything, read at one instant, for reports and \`hero-campaign status\`:
 * {now, meta (flat), workers (flat), state (flat), keys}. Read-only: a dead worker's items
 * are shown for what reaping will make of them, without reaping.
 */
export const SNAPSHOT_SCRIPT = `${PRELUDE}
return {string.format('%d', now), redis.call('HGETALL', meta), redis.call('HGETALL', workers), redis.call('HGETALL', state), redis.call('LRANGE', keys, 0, -1)}
`;

/** Every script, by the command name it is defined under. */
export const CAMPAIGN_SCRIPTS = {
  heroCampaignOpen: OPEN_SCRIPT,
  heroCampaignLoad: LOAD_SCRIPT,
  heroCampaignClaim: CLAIM_SCRIPT,
  heroCampaignMark: MARK_SCRIPT,
  heroCampaignSettle: SETTLE_SCRIPT,
  heroCampaignRelease: RELEASE_SCRIPT,
  heroCampaignHeartbeat: HEARTBEAT_SCRIPT,
  heroCampaignLeave: LEAVE_SCRIPT,
  heroCampaignCounts: COUNTS_SCRIPT,
  heroCampaignSnapshot: SNAPSHOT_SCRIPT,
} as const;

export type CampaignScriptName = keyof typeof CAMPAIGN_SCRIPTS;
