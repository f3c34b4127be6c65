package io.chat.cluster;

/**
 * The Lua scripts that keep a cluster's presence, socket quotas and message rates in Redis, each one atomic. Every
 * node holds one hash of what it has ({@code <prefix>held:<node>}, field → count) and beats in a sorted set
 * ({@code <prefix>nodes}, node → last beat in ms, Redis's clock); a figure of the cluster is the sum of a field over
 * the nodes in that set. ARGV[1] is always the prefix. No key is declared: one Redis, not a Redis Cluster.
 */
final class ClusterScripts {
    private ClusterScripts() {}

    /** {@code across(field, nodes)}: the sum of a field over those nodes' hashes. */
    private static final String ACROSS = """
            local function across(field, nodes)
              local total = 0
              for _, node in ipairs(nodes) do
                total = total + (tonumber(redis.call('HGET', ARGV[1] .. 'held:' .. node, field)) or 0)
              end
              return total
            end
            """;

    /**
     * With ARGV[2] the calling node: {@code sum(field)} over the nodes in the set, {@code add(field, delta)} to the
     * caller's count, {@code total(field)}: the sum with the caller's own count when it is not in the set.
     */
    private static final String SUM = ACROSS + """
            local held = ARGV[1] .. 'held:'
            local live = redis.call('ZRANGE', ARGV[1] .. 'nodes', 0, -1)
            local function sum(field)
              return across(field, live)
            end
            local function add(field, delta)
              local left = redis.call('HINCRBY', held .. ARGV[2], field, delta)
              if left <= 0 then redis.call('HDEL', held .. ARGV[2], field) end
            end
            local function total(field)
              local all = sum(field)
              if not redis.call('ZSCORE', ARGV[1] .. 'nodes', ARGV[2]) then
                all = all + (tonumber(redis.call('HGET', held .. ARGV[2], field)) or 0)
              end
              return all
            end
            """;

    /**
     * The room lists, kept beside the counts they follow: {@code index(field, total)}, for a room field
     * ({@code <namespace>\0r\0<room>\0<user>}; any other field is left alone) and its sum over the nodes in the set,
     * puts the user in the room's hash of members ({@code <prefix>members\0<namespace>\0<room>}, user → 1) while that
     * sum is above 0, and the room in the namespace's sorted set ({@code <prefix>rooms\0<namespace>}) scored by minus
     * its members, so that the lowest scores are the busiest rooms and equal ones come by name. The nodes in the set
     * only: a node out of it (taken for dead while it still ran, or Redis restarted empty) is added by its next beat,
     * and one that never comes back leaves nothing behind. Every script that changes a room field's sum over the set
     * calls it in the same atomic step, so the lists are what the counts say; {@link #SWEEP_ROOMS} takes out what no
     * count backs (left by a build that kept no lists).
     */
    private static final String INDEX = """
            local function place(field)
              local first = string.find(field, '\\0', 1, true)
              if not first or string.sub(field, first + 1, first + 2) ~= 'r\\0' then return nil end
              local second = string.find(field, '\\0', first + 3, true)
              if not second then return nil end
              local namespace = string.sub(field, 1, first - 1)
              local room = string.sub(field, first + 3, second - 1)
              return ARGV[1] .. 'members\\0' .. namespace .. '\\0' .. room, namespace, room, string.sub(field, second + 1)
            end
            local function rescore(members, namespace, room)
              local size = redis.call('HLEN', members)
              local rooms = ARGV[1] .. 'rooms\\0' .. namespace
              if size > 0 then redis.call('ZADD', rooms, -size, room) else redis.call('ZREM', rooms, room) end
            end
            local function index(field, total)
              local members, namespace, room, user = place(field)
              if not members then return end
              local changed
              if total > 0 then
                changed = redis.call('HSET', members, user, '1')
              else
                changed = redis.call('HDEL', members, user)
              end
              if changed == 1 then rescore(members, namespace, room) end -- else its users and score are unchanged
            end
            """;

    /**
     * ARGV: prefix, node, field, delta. Adds {@code delta} to this node's count of the field (added, not set: a tab's
     * leave and another's arrival, counted here in one order and sent in the other, still add up); answers the
     * cluster's total afterwards (this node's count included even when it is not, or no longer, in the set of nodes).
     */
    static final String COUNT = SUM + INDEX + """
            add(ARGV[3], tonumber(ARGV[4]))
            index(ARGV[3], sum(ARGV[3]))
            return total(ARGV[3])
            """;

    /**
     * ARGV: prefix, node, tenant field, user field, max for the tenant, max for the user. Takes a place for one more
     * socket when the cluster's sockets of the tenant and of the user are under their caps: 0, else 1 (tenant full) or
     * 2 (user's cap reached).
     */
    static final String RESERVE = SUM + """
            if sum(ARGV[3]) >= tonumber(ARGV[5]) then return 1 end
            if sum(ARGV[4]) >= tonumber(ARGV[6]) then return 2 end
            add(ARGV[3], 1)
            add(ARGV[4], 1)
            return 0
            """;

    /** ARGV: prefix, node, tenant field, user field. Gives back a place {@link #RESERVE} took. */
    static final String RELEASE = SUM + """
            add(ARGV[3], -1)
            add(ARGV[4], -1)
            return 0
            """;

    /**
     * ARGV: prefix, node, ms after which a node that did not beat is dead, work of a call (fields reaped times 8 + the
     * nodes in the set: 10,000 is 1,000 fields with 2 nodes, 555 with 10). This node beats; each dead node is marked
     * (score 0) and its fields are taken out, that many per call over all of them, so that a node that held 100,000
     * never holds Redis for long: answered are the fields no node in the set holds any more (each by exactly one
     * caller, since the script is atomic), the users and room members that went with it. A dead node stays in the set until its hash is empty, so what it still holds counts until its turn
     * comes, as before its reap began; the caller calls again while fields are left. A node whose own last beat is as
     * old reaps nobody this time: Redis was unreachable for every node (an outage), not only for the silent ones,
     * which beat again within a beat of Redis coming back; nor does a node that was not in the set or was marked dead
     * (it may be the first to beat after an outage). The answer: {@code absent} when this node was not in the
     * set (its first beat, or it was reaped) or was marked dead (a reap of it began, or it left), else
     * {@code known}; then how many fields dead nodes still hold; then the fields gone. A node that was out of the set
     * puts what it counted meanwhile in the lists again ({@link #INDEX}); one marked dead stayed in the set, so its
     * fields are listed already, and the caller puts its whole copy back by a reconciliation.
     */
    static final String BEAT = ACROSS + INDEX + """
            local now = redis.call('TIME')
            now = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
            local nodes = ARGV[1] .. 'nodes'
            local held = ARGV[1] .. 'held:'
            local before = redis.call('ZSCORE', nodes, ARGV[2])
            local known = before and tonumber(before) > 0
            redis.call('ZADD', nodes, now, ARGV[2])
            if not before then
              -- back in the set: its own count puts each of its users in the lists; each room scored once
              local added = {}
              for _, field in ipairs(redis.call('HKEYS', held .. ARGV[2])) do
                local members, namespace, room, user = place(field)
                if members and redis.call('HSET', members, user, '1') == 1 then added[members] = {namespace, room} end
              end
              for members, where in pairs(added) do rescore(members, where[1], where[2]) end
            end
            local gone = {known and 'known' or 'absent', '0'}
            if not known or now - tonumber(before) > tonumber(ARGV[3]) then
              -- only a node that beat within the time reaps: after an outage every beat is as old, and a node new,
              -- restarted or being reaped may be the first to beat again
              return gone
            end
            -- the work of a call is about its fields times the nodes each field is summed over
            local budget, left = math.max(1, math.floor(tonumber(ARGV[4]) / (8 + redis.call('ZCARD', nodes)))), 0
            for _, dead in ipairs(redis.call('ZRANGEBYSCORE', nodes, '-inf', now - tonumber(ARGV[3]))) do
              redis.call('ZADD', nodes, 0, dead)
              local key = held .. dead
              if budget > 0 then
                local fields = redis.call('HRANDFIELD', key, budget)
                budget = budget - #fields
                local live = redis.call('ZRANGE', nodes, 0, -1) -- the dead one too: the rest of its fields count
                local emptied = {} -- each room a user left, scored once when all are out
                for _, field in ipairs(fields) do
                  redis.call('HDEL', key, field)
                  if across(field, live) == 0 then
                    table.insert(gone, field)
                    local members, namespace, room, user = place(field)
                    if members and redis.call('HDEL', members, user) == 1 then emptied[members] = {namespace, room} end
                  end
                end
                for members, where in pairs(emptied) do rescore(members, where[1], where[2]) end
              end
              local rest = redis.call('HLEN', key)
              if rest == 0 then redis.call('ZREM', nodes, dead) else left = left + rest end
            end
            gone[2] = tostring(left)
            return gone
            """;

    /**
     * ARGV: prefix, node, k, then k pairs (field, count), then fields. Sets this node's count of each pair's field, and
     * removes the fields after the pairs: this node's copy in the cluster made what it holds by its own counts. Only a
     * field it adds or removes can change the lists: a count changed otherwise kept them in step already.
     */
    static final String RECONCILE = SUM + INDEX + """
            local k = tonumber(ARGV[3])
            for i = 0, k - 1 do
              if redis.call('HSET', held .. ARGV[2], ARGV[4 + 2 * i], ARGV[5 + 2 * i]) == 1 then
                index(ARGV[4 + 2 * i], sum(ARGV[4 + 2 * i]))
              end
            end
            for i = 4 + 2 * k, #ARGV do
              if redis.call('HDEL', held .. ARGV[2], ARGV[i]) == 1 then index(ARGV[i], sum(ARGV[i])) end
            end
            return 0
            """;

    /** ARGV: prefix. Fails on a Redis older than 6.2, which has no {@code HRANDFIELD} ({@link #BEAT} reaps with it). */
    static final String VERSION_PROBE = """
            return redis.call('HRANDFIELD', ARGV[1] .. 'version-probe', 1)
            """;

    /** ARGV: prefix, namespace, room. The users in the room on any node ({@link #INDEX}). */
    static final String MEMBERS = """
            return redis.call('HKEYS', ARGV[1] .. 'members\\0' .. ARGV[2] .. '\\0' .. ARGV[3])
            """;

    /**
     * ARGV: prefix, namespace, most. The namespace's busiest rooms, at most that many ({@link #INDEX}): how many rooms
     * have users, then each room with its users, the busiest first, equal ones by name.
     */
    static final String ROOMS = """
            local rooms = ARGV[1] .. 'rooms\\0' .. ARGV[2]
            local answer = {tostring(redis.call('ZCARD', rooms))}
            local busiest = redis.call('ZRANGE', rooms, 0, tonumber(ARGV[3]) - 1, 'WITHSCORES')
            for i = 1, #busiest, 2 do
              answer[#answer + 1] = busiest[i]
              answer[#answer + 1] = tostring(-tonumber(busiest[i + 1]))
            end
            return answer
            """;

    /**
     * ARGV: prefix, namespace, cursor. The next few rooms of the namespace's sorted set ({@code ZSCAN}): the cursor to
     * go on from ({@code 0}: the end), then room names.
     */
    static final String ROOM_NAMES = """
            local found = redis.call('ZSCAN', ARGV[1] .. 'rooms\\0' .. ARGV[2], ARGV[3], 'COUNT', 100)
            local answer = {found[1]}
            for i = 1, #found[2], 2 do answer[#answer + 1] = found[2][i] end
            return answer
            """;

    /**
     * ARGV: prefix, namespace, users cursor, how many, then rooms. Looks at about that many users of the rooms' lists in
     * turn (the first from the cursor, {@code HSCAN}; Redis answers a small hash whole), taking out each user no node in
     * the set counts there (a list a build without them left behind, or a bug's): the rooms finished, the users cursor
     * in the room it stopped in ({@code 0}: none), the users looked at, the users taken out.
     */
    static final String SWEEP_ROOMS = ACROSS + INDEX + """
            local live = redis.call('ZRANGE', ARGV[1] .. 'nodes', 0, -1)
            local cursor, budget = ARGV[3], tonumber(ARGV[4])
            local looked, dropped, finished = 0, 0, 0
            for r = 5, #ARGV do
              local room = ARGV[r]
              repeat
                local found = redis.call('HSCAN', ARGV[1] .. 'members\\0' .. ARGV[2] .. '\\0' .. room, cursor, 'COUNT',
                                         math.max(1, budget - looked))
                cursor = found[1]
                for i = 1, #found[2], 2 do
                  local field = ARGV[2] .. '\\0r\\0' .. room .. '\\0' .. found[2][i]
                  looked = looked + 1
                  if across(field, live) <= 0 then
                    index(field, 0)
                    dropped = dropped + 1
                  end
                end
              until cursor == '0' or looked >= budget
              if cursor ~= '0' then break end
              finished = finished + 1
              if looked >= budget then break end
            end
            return {tostring(finished), cursor, tostring(looked), tostring(dropped)}
            """;

    /** ARGV: prefix, keys. Removes the keys (a user's login attempts, once they signed in). */
    static final String FORGET = """
            for i = 2, #ARGV do
              redis.call('DEL', ARGV[1] .. ARGV[i])
            end
            return 0
            """;

    /**
     * ARGV: prefix, key, milliseconds. Sets a mark that lasts that long (an address failed a user's login): a hash, as
     * the nodes' Redis user may not write strings (scripts/lib/redis-node.acl).
     */
    static final String MARK = """
            redis.call('HSET', ARGV[1] .. ARGV[2], 'at', '1')
            redis.call('PEXPIRE', ARGV[1] .. ARGV[2], ARGV[3])
            return 0
            """;

    /**
     * ARGV: prefix, node. This node leaves: marked dead, so that the beats of the others clear what it held. Out of the
     * set (reaped while it ran), what it counted since counts nowhere: that goes at once (put in the set, it would
     * count there unlisted until its reap).
     */
    static final String LEAVE = """
            if redis.call('ZSCORE', ARGV[1] .. 'nodes', ARGV[2]) then
              redis.call('ZADD', ARGV[1] .. 'nodes', 0, ARGV[2])
            else
              redis.call('DEL', ARGV[1] .. 'held:' .. ARGV[2])
            end
            return 0
            """;

    /**
     * take(key, rate, burst, want, valid): takes up to {@code want} tokens from a token bucket in Redis, refilled by
     * Redis's clock (the start of the scripts below), and answers how many it took (none when it holds less than one).
     * With {@code valid} (µs), the tokens are a lease a node may spend for that long: what was granted in the current
     * period of that length (field o) and the one before (p; s is the period's number) counts as still held by the
     * nodes, and the bucket refills only up to its burst less that, so it and the leases never exceed the burst (a
     * change of the period's length, v, when a tenant's limits change, keeps what was held counted for two more). A
     * bucket is read once per script however often taken from, and written back, with an expiry once it would be full
     * again (as a new one is), by store(), which every script using take() calls before it answers.
     */
    private static final String BUCKETS = """
            local now = redis.call('TIME')
            now = tonumber(now[1]) * 1000000 + tonumber(now[2])
            local buckets, read = {}, {}
            local function take(key, rate, burst, want, valid)
              local bucket = buckets[key]
              if not bucket then
                local stored = redis.call('HMGET', key, 't', 'at', 'o', 'p', 's', 'v')
                local tokens = tonumber(stored[1]) or burst
                local at = tonumber(stored[2]) or now
                bucket = {rate = rate, burst = burst}
                local held = 0
                if valid then
                  bucket.valid = valid
                  bucket.period = math.floor(now / valid)
                  local last = tonumber(stored[5]) or bucket.period
                  bucket.o, bucket.p = tonumber(stored[3]) or 0, tonumber(stored[4]) or 0
                  if tonumber(stored[6]) and tonumber(stored[6]) ~= valid then
                    -- the limits changed: what the nodes held stays counted, for this period and the next
                    bucket.o, bucket.p = bucket.o + bucket.p, 0
                  elseif last == bucket.period - 1 then
                    bucket.p, bucket.o = bucket.o, 0
                  elseif last ~= bucket.period then
                    bucket.p, bucket.o = 0, 0
                  end
                  held = bucket.o + bucket.p
                end
                local most = math.min(burst, math.max(tokens, burst - held))
                bucket.tokens = math.min(most, tokens + math.max(0, now - at) * rate / 1000000)
                buckets[key] = bucket
                read[#read + 1] = key
              end
              local taken = math.max(0, math.min(want, math.floor(bucket.tokens)))
              bucket.tokens = bucket.tokens - taken
              if bucket.period then bucket.o = bucket.o + taken end
              return taken
            end
            local function store()
              for _, key in ipairs(read) do
                local bucket = buckets[key]
                redis.call('HSET', key, 't', tostring(bucket.tokens), 'at', string.format('%.0f', now))
                if bucket.period then
                  redis.call('HSET', key, 'o', bucket.o, 'p', bucket.p, 's', string.format('%.0f', bucket.period),
                             'v', bucket.valid)
                end
                redis.call('PEXPIRE', key, math.ceil((bucket.burst - bucket.tokens) * 1000 / bucket.rate) + 1000)
              end
            end
            """;

    /**
     * ARGV: prefix, a bucket's key, its rate per second, its burst, the tokens wanted (at least 1), the µs a node may
     * spend them for (none: spent at once, nothing counted as held). A token bucket in Redis, refilled by Redis's
     * clock: takes as many of the tokens wanted as it holds and answers how many (0: empty), for a node to spend
     * ({@link BucketLeases}).
     */
    static final String LEASE = BUCKETS + """
            local valid = ARGV[6] and math.max(1, tonumber(ARGV[6]))
            local taken = take(ARGV[1] .. ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4]), math.max(1, tonumber(ARGV[5])),
                               valid)
            store()
            return taken
            """;

    /**
     * ARGV: prefix, the user's key, the key of attempts from addresses that have not failed, this address's failure
     * mark ({@link #MARK}), rate per second, burst, the mark's milliseconds. A login attempt as one node counts it
     * (the tenant's LoginAttempts): one from the user's bucket; that empty, one from the second bucket unless this
     * address failed the user lately, marking the address at once (one such attempt at a time per address). Answers 0
     * when taken, 1 when refused.
     */
    static final String LOGIN_TAKE = BUCKETS + """
            local function attempt()
              if take(ARGV[1] .. ARGV[2], tonumber(ARGV[5]), tonumber(ARGV[6]), 1) == 1 then return 0 end
              if redis.call('EXISTS', ARGV[1] .. ARGV[4]) == 1 then return 1 end
              if take(ARGV[1] .. ARGV[3], tonumber(ARGV[5]), tonumber(ARGV[6]), 1) == 0 then return 1 end
              redis.call('HSET', ARGV[1] .. ARGV[4], 'at', '1')
              redis.call('PEXPIRE', ARGV[1] .. ARGV[4], ARGV[7])
              return 0
            end
            local answer = attempt()
            store()
            return answer
            """;
}
