#!/usr/bin/env bash
# Starts and stops the podman API service that stands in for a Docker engine.
#
#   deploy/podman/service.sh start   # serve the Docker API on $ROUTER_PODMAN_DIR/podman.sock
#   deploy/podman/service.sh env     # print the exports that point clients at it
#   deploy/podman/service.sh stop    # stop it, by the PID recorded at start
#   deploy/podman/service.sh check   # exit 0 when podman can run containers here
#
# Podman runs container health checks from systemd timers; where systemd is not running
# (this machine), `start` also starts a ticker that runs `podman healthcheck run` for each
# running container with a health check every few seconds, so that compose's
# `condition: service_healthy` works.
#
# Only the processes this script started are ever stopped (their PID files), never by name.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
STATE="${ROUTER_PODMAN_DIR:-$ROOT/.build/podman}"
SOCKET="$STATE/podman.sock"
PIDFILE="$STATE/service.pid"
TICKER_PIDFILE="$STATE/health-ticker.pid"
export CONTAINERS_CONF="$STATE/containers.conf"

alive() { # alive PIDFILE
  [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null
}
running() { alive "$PIDFILE"; }

health_ticker() {
  local id
  while alive "$PIDFILE"; do
    for id in $(podman ps -q --filter health=starting --filter health=healthy \
      --filter health=unhealthy 2>/dev/null); do
      podman healthcheck run "$id" >/dev/null 2>&1 || true
    done
    sleep "${ROUTER_HEALTH_TICK_S:-2}"
  done
}

start_ticker() {
  if [[ ! -d /run/systemd/system ]] && ! alive "$TICKER_PIDFILE"; then
    setsid "$ROOT/deploy/podman/service.sh" _ticker </dev/null >/dev/null 2>&1 &
    echo $! >"$TICKER_PIDFILE"
    echo "podman service: health-check ticker pid $(cat "$TICKER_PIDFILE")" >&2
  fi
}

stop_pid() { # stop_pid PIDFILE NAME
  if alive "$1"; then
    local pid
    pid="$(cat "$1")"
    kill "$pid"
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "podman service: stopped $2 (pid $pid)" >&2
  fi
  rm -f "$1"
}

print_env() {
  cat <<ENV
export CONTAINERS_CONF=$CONTAINERS_CONF
export DOCKER_HOST=unix://$SOCKET
export TESTCONTAINERS_RYUK_DISABLED=true
export TESTCONTAINERS_CONNECTION_MODE=docker_host
ENV
}

start() {
  [[ -f $CONTAINERS_CONF ]] || "$ROOT/deploy/podman/setup.sh"
  if running; then
    echo "podman service: already running (pid $(cat "$PIDFILE")) on $SOCKET" >&2
    start_ticker
    return
  fi
  rm -f "$SOCKET"
  # setsid: the service outlives this script and its own signals; stop() ends it by PID.
  setsid podman system service --time=0 "unix://$SOCKET" \
    >"$STATE/service.log" 2>&1 </dev/null &
  echo $! >"$PIDFILE"
  for _ in $(seq 100); do
    if [[ -S $SOCKET ]] && curl -sf --unix-socket "$SOCKET" http://d/_ping >/dev/null; then
      echo "podman service: pid $(cat "$PIDFILE") on $SOCKET" >&2
      start_ticker
      return
    fi
    running || break
    sleep 0.1
  done
  echo "podman service did not answer; see $STATE/service.log" >&2
  stop
  return 1
}

stop() {
  stop_pid "$TICKER_PIDFILE" "health-check ticker"
  stop_pid "$PIDFILE" "API service"
  rm -f "$SOCKET"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) print_env ;;
  _ticker) health_ticker ;;
  check) command -v podman >/dev/null && podman info >/dev/null ;;
  status) if running; then echo "running (pid $(cat "$PIDFILE"))"; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 start|stop|env|status|check" >&2; exit 2 ;;
esac
