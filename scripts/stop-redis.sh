#!/usr/bin/env bash
# Stops the Redis that scripts/start-redis.sh started on PORT (default 6390) and removes its
# folder. Does nothing when none is running.
#
# usage:   bash scripts/stop-redis.sh [PORT]
set -euo pipefail
PORT="${1:-6390}"
DIR="${QINFER_REDIS_DIR:-${TMPDIR:-/tmp}/qinfer-redis-$PORT}"
PIDFILE="$DIR/redis.pid"
if [ -f "$PIDFILE" ]; then
  PID="$(cat "$PIDFILE")"
  if kill -0 "$PID" 2>/dev/null; then
    kill -TERM "$PID"
    for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID"; fi
  fi
fi
rm -rf "$DIR"
