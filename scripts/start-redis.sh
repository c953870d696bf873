#!/usr/bin/env bash
# Starts a throw-away Redis for the cluster tests (test/cluster*.test.ts) and CI: 127.0.0.1 only,
# a non-default port, daemonized with a pidfile, no persistence (nothing written to disk).
#
# usage:   bash scripts/start-redis.sh [PORT]        (PORT defaults to 6390)
# prints:  export REDIS_URL=redis://127.0.0.1:PORT    (eval it:  eval "$(bash scripts/start-redis.sh)")
# stop:    bash scripts/stop-redis.sh [PORT]
#
# Needs redis-server (Debian: apt-get install -y redis-server). Safe to run again: a server
# already answering on PORT from this script is reused.
set -euo pipefail
PORT="${1:-6390}"
DIR="${QINFER_REDIS_DIR:-${TMPDIR:-/tmp}/qinfer-redis-$PORT}"
PIDFILE="$DIR/redis.pid"
URL="redis://127.0.0.1:$PORT"
command -v redis-server >/dev/null || { echo "start-redis: redis-server not found (apt-get install -y redis-server)" >&2; exit 1; }
mkdir -p "$DIR"
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && redis-cli -p "$PORT" ping >/dev/null 2>&1; then
  echo "export REDIS_URL=$URL"; exit 0
fi
redis-server --port "$PORT" --bind 127.0.0.1 --protected-mode yes --daemonize yes --pidfile "$PIDFILE" \
  --save '' --appendonly no --dir "$DIR" --logfile "$DIR/redis.log" >&2
for _ in $(seq 1 100); do
  if redis-cli -p "$PORT" ping >/dev/null 2>&1; then echo "export REDIS_URL=$URL"; exit 0; fi
  sleep 0.1
done
echo "start-redis: no answer on port $PORT after 10 s; log:" >&2
tail -n 20 "$DIR/redis.log" >&2 || true
exit 1
