#!/usr/bin/env bash
# The HTTP load benchmark: what a crowd meets, measured on loopback with wrk against the release binary.
#
#   bash scripts/bench/load.sh                 # 1,000,000 generated enterprises + the default data
#   ENTERPRISES=0 bash scripts/bench/load.sh   # the default data only
#
# Settings (environment): ENTERPRISES (1000000), SECONDS_EACH (10, per scenario), MIX_SECONDS (60), PORT (18343),
# IDLE (1000 idle/slow connections), SKIP_UNCACHED=1 (leave out the runs with the answer cache switched off).
# The store is built once under chainscope-data/load-<N>/ and reused. Prints one table row per scenario.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
N=${ENTERPRISES:-1000000}
EACH=${SECONDS_EACH:-10}
MIX=${MIX_SECONDS:-60}
PORT=${PORT:-18343}
IDLE=${IDLE:-1000}
DATA=$ROOT/chainscope-data/load-$N
BIN=$ROOT/target/release/chainscope
export LOAD_DIR=$ROOT/scripts/bench/load
export CHAINSCOPE_ADMIN_PASSWORD=${CHAINSCOPE_ADMIN_PASSWORD:-Load-bench-2026}
BASE=http://127.0.0.1:$PORT

if ! command -v wrk >/dev/null; then
  echo "load: installing wrk (Debian package)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk >/dev/null; else sudo apt-get install -y -qq wrk >/dev/null; fi
fi
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cargo build --release -q -p chainscope-cli

if [ ! -f "$DATA/.ready" ]; then
  echo "load: building the store ($N generated enterprises) in $DATA" >&2
  rm -rf "$DATA"
  "$BIN" --data-dir "$DATA" -q init
  if [ "$N" -gt 0 ]; then "$BIN" --data-dir "$DATA" -q generate --enterprises "$N" --seed 3; fi
  touch "$DATA/.ready"
fi

SERVER=
stop() { if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; SERVER=; fi; }
trap stop EXIT
start() { # start the server with the given environment assignments
  stop
  env "$@" "$BIN" --data-dir "$DATA" -q serve --port "$PORT" 2>"$ROOT/chainscope-data/load-server.log" &
  SERVER=$!
  for _ in $(seq 1 600); do
    if curl -fs "$BASE/api/v1/health" >/dev/null 2>&1; then return; fi
    sleep 0.2
  done
  echo "load: the server did not come up; see chainscope-data/load-server.log" >&2
  exit 1
}

printf '| %-44s | %5s | %9s | %9s | %9s | %5s | %s\n' scenario conns 'req/s' 'p50 ms' 'p99 ms' 5xx other
printf '|%s|\n' "----------------------------------------------|-------|-----------|-----------|-----------|-------|------"
row() { # row NAME CONNS RESULT-LINE
  local r=$3 get
  get() { sed -n "s/.*\b$1=\([^ ]*\).*/\1/p" <<<"$r"; }
  printf '| %-44s | %5s | %9s | %9s | %9s | %5s | 4xx %s, 429 %s, 304 %s, errors %s/%s/%s\n' "$1" "$2" "$(get rps)" "$(get p50_ms)" \
    "$(get p99_ms)" "$(get s5xx)" "$(get s4xx)" "$(get s429)" "$(get s304)" "$(get connect_err)" "$(get read_err)" "$(get timeouts)"
}
run() { # run NAME CONNS SECONDS SCRIPT PATH [HEADER...]
  local name=$1 c=$2 s=$3 script=$4 path=$5
  shift 5
  local args=() h
  for h in "$@"; do args+=(-H "$h"); done
  local out t=$(( c < 2 ? 1 : 2 ))
  # One request first, so that a cached scenario measures the cache, not the one build that fills it.
  curl -s -o /dev/null "${args[@]}" "$BASE$path" 2>/dev/null || true
  out=$(wrk -t"$t" -c"$c" -d"${s}s" --timeout 10s --latency -s "$LOAD_DIR/$script" "${args[@]}" "$BASE$path" 2>&1 | grep '^RESULT' || true)
  row "$name" "$c" "$out"
}

MAP_CITY='/api/v1/heat?group=h3&res=7&weight=count&format=geojson&region=320300'
MAP_WORLD='/api/v1/heat?group=h3&res=7&weight=count&format=geojson'
export LOAD_MAP_PATH=$MAP_CITY
export LOAD_MAX_ID=$((N + 200))

scenarios() { # the read scenarios, under the label given
  local tag=$1
  run "map heat, city, GeoJSON res 7 $tag" 32 "$EACH" get.lua "$MAP_CITY" 'Accept-Encoding: gzip'
  run "map heat, world, GeoJSON res 7 $tag" 32 "$EACH" get.lua "$MAP_WORLD" 'Accept-Encoding: gzip'
  run "heat res 7 JSON $tag" 32 "$EACH" get.lua '/api/v1/heat?res=7' 'Accept-Encoding: gzip'
  run "heat res 9 JSON $tag" 32 "$EACH" get.lua '/api/v1/heat?res=9' 'Accept-Encoding: gzip'
  run "search 徐工 $tag" 16 "$EACH" get.lua '/api/v1/search?q=%E5%BE%90%E5%B7%A5'
  run "search 有限公司 $tag" 16 "$EACH" get.lua '/api/v1/search?q=%E6%9C%89%E9%99%90%E5%85%AC%E5%8F%B8'
  run "search zq (absent, two letters) $tag" 16 "$EACH" get.lua '/api/v1/search?q=zq'
  run "search, a new two-letter text each time $tag" 16 "$EACH" random_search.lua '/'
  run "profile, random id $tag" 16 "$EACH" random_record.lua '/'
  run "counties (for contrast) $tag" 32 "$EACH" get.lua '/api/v1/heat?group=admin&level=county' 'Accept-Encoding: gzip'
}

echo "load: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)" >&2
# Throughput is measured with the per-address rate limit off (wrk is one address); the flood is measured with it
# off and on (the default).
if [ "${SKIP_UNCACHED:-0}" != 1 ]; then
  start CHAINSCOPE_CACHE_MB=0 CHAINSCOPE_RATE_LIMIT=off
  run "map heat, city, one at a time (cold, no cache)" 1 "$EACH" get.lua "$MAP_CITY" 'Accept-Encoding: gzip'
  scenarios "(no cache)"
fi
start CHAINSCOPE_RATE_LIMIT=off
scenarios "(cached)"

flood() { # one reader while an anonymous flood of fresh searches runs
  local tag=$1
  wrk -t1 -c32 -d"$((EACH + 4))s" --timeout 10s -s "$LOAD_DIR/random_search.lua" "$BASE/" >/tmp/chainscope-flood.txt 2>&1 &
  local pid=$!
  sleep 2
  run "profile, random id, during a search flood $tag" 1 "$EACH" random_record.lua '/'
  wait "$pid" || true
  row "  the flood itself $tag" 32 "$(grep '^RESULT' /tmp/chainscope-flood.txt || true)"
}
run "profile, random id, alone" 1 "$EACH" random_record.lua '/'
flood "(rate limit off)"

# Mixed: 16 workers, 90 % reading and 10 % writing by connections (14 readers, 2 writers), signed in for writes.
LOGIN=$(curl -s -D - -o /tmp/chainscope-login.json -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$CHAINSCOPE_ADMIN_PASSWORD\"}" "$BASE/api/v1/auth/login")
export LOAD_COOKIE
LOAD_COOKIE=$(grep -i '^set-cookie:' <<<"$LOGIN" | head -1 | sed 's/^[^:]*: *//; s/;.*//' | tr -d '\r')
export LOAD_CSRF
LOAD_CSRF=$(python3 -c 'import json,sys; print(json.load(open("/tmp/chainscope-login.json")).get("csrf",""))')
if [ -z "$LOAD_CSRF" ]; then echo "load: sign-in failed: $(cat /tmp/chainscope-login.json)" >&2; fi
wrk -t1 -c2 -d"${MIX}s" --timeout 10s --latency -s "$LOAD_DIR/writes.lua" "$BASE/" >/tmp/chainscope-writes.txt 2>&1 &
WRITERS=$!
run "mixed: 14 readers (map, profile, search)" 14 "$MIX" reads.lua '/'
wait "$WRITERS" || true
row "mixed: 2 writers (post, settings)" 2 "$(grep '^RESULT' /tmp/chainscope-writes.txt || true)"

# With the default limits: the flood meets the rate limit; idle and slow connections.
start
flood "(default limits)"
echo "idle: $(python3 "$LOAD_DIR/idle.py" 127.0.0.1 "$PORT" "$IDLE" 20 | grep '^RESULT' || true)"
echo "server: $(curl -s "$BASE/api/v1/health")"
