# Sourced by the server scripts: free loopback ports and process teardown.
# Callers set ALLOCATED to a file that remembers the ports handed out.

port_in_use() { ( (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null); }

# Ports are drawn below the kernel's ephemeral range, so an outgoing
# connection cannot take one between this check and the server's bind.
free_port() {
  local p low
  low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  for _ in $(seq 1 200); do
    p=$((10000 + RANDOM % (low - 10000)))
    if ! port_in_use "$p" && ! grep -qs ":$p\$" "$ALLOCATED"; then
      echo ":$p" >>"$ALLOCATED"
      echo "$p"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
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
