# Sourced by the server scripts: free loopback ports and process teardown.

port_in_use() { ( (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null); }

# Every port handed out in the last ten minutes by any server script of this
# user, with when: servers started at once (CTest runs its fixtures in
# parallel; a JVM binds seconds after its port is drawn) must not draw the
# same port before either has bound it.
PORT_REGISTRY=${TMPDIR:-/tmp}/baton-test-ports.$(id -u)

# Ports are drawn below the kernel's ephemeral range, so an outgoing
# connection cannot take one between this check and the server's bind.
free_port() {
  local p low now lock found=""
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  now=$(date +%s)
  # Called as $(free_port), where set -e does not reach: every step checked.
  exec {lock}>>"$PORT_REGISTRY.lock" || return 1
  flock "$lock" || { echo "free_port: cannot lock $PORT_REGISTRY.lock" >&2; return 1; }
  touch "$PORT_REGISTRY" &&
    awk -v now="$now" '$2 > now - 600' "$PORT_REGISTRY" >"$PORT_REGISTRY.new" &&
    mv "$PORT_REGISTRY.new" "$PORT_REGISTRY" ||
    { echo "free_port: cannot update $PORT_REGISTRY" >&2; return 1; }
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! port_in_use "$p" && ! grep -qs "^$p " "$PORT_REGISTRY"; then
      echo "$p $now" >>"$PORT_REGISTRY"
      found=$p
      break
    fi
  done
  exec {lock}>&-
  [[ -n "$found" ]] || { echo "no free port found" >&2; return 1; }
  echo "$found"
}

stop_pidfile() {  # pidfile: TERM its process group (setsid made it the leader), then KILL
  local pid
  [[ -f "$1" ]] || return 0
  pid=$(cat "$1")
  kill -TERM -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 -- "-$pid" 2>/dev/null || kill -9 "$pid" 2>/dev/null || true
  rm -f "$1"
}
