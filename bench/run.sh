#!/usr/bin/env bash
# make bench: load test of the home page and a library page (wrk), beside nginx serving static copies of
# the same pages on the same machine (the physical limit). Prints a table.
#   bench/run.sh [path/to/shelfmark]     DURATION=10s CONNECTIONS=32 THREADS=2
# Then the circulation benchmark (bench/circulation_bench.cpp): loans and returns per second through the
# app layer on SQLite and PostgreSQL, 1 and 32 clients, 1,000,000 items and 500,000 readers
# (CIRCULATION_ARGS to change, for example "--items 100000 --readers 50000 --seconds 5"). Then the SIP2
# benchmark (bench/sip2_bench.cpp, SIP2_ARGS). Last the search benchmark (bench/search_bench.cpp): a generated
# catalogue of 1,000,000 records indexed and queried by Shelfmark (app layer and HTTP) and by Zebra side by
# side; at that size it takes about 20 minutes on 2 cores and 13 GB of disk in $TMPDIR (SEARCH_ARGS to
# change, for example "--records 100000 --seconds 5", or "--skip-zebra"; "--work-dir DIR --reuse" keeps
# what was built there for the next run, and "--reindex" rebuilds only the Xapian index).
set -euo pipefail
BIN=${1:-build/src/bin/shelfmark}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${THREADS:-2}
work=$(mktemp -d)
server_pid=""; nginx_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

db="sqlite:$work/bench.db"
"$BIN" --database "$db" --secret-file "$work/secret" --log-level warn demo-data > /dev/null
port=$(free_port)
"$BIN" --database "$db" --secret-file "$work/secret" --log-level warn serve --listen "127.0.0.1:$port" --threads 2 > "$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.1; done

# Static copies of the same pages for nginx.
mkdir -p "$work/root/en/libraries" "$work/nginx"
curl -sf "http://127.0.0.1:$port/en/" > "$work/root/en/index.html"
curl -sf "http://127.0.0.1:$port/en/libraries/CL" > "$work/root/en/libraries/CL.html"
nginx_port=$(free_port)
cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  server {
    listen 127.0.0.1:$nginx_port;
    root $work/root;
    location = /en/ { try_files /en/index.html =404; }
    location /en/libraries/ { try_files \$uri.html =404; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$nginx_port/en/" > /dev/null && break; sleep 0.1; done

run() {  # label url
  local out
  out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  local rps p50 p90 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p90=$(awk '$1=="90%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  printf '| %-34s | %10s | %8s | %8s | %8s |\n' "$1" "$rps" "$p50" "$p90" "$p99"
}

echo "Load test: wrk -t$WRK_THREADS -c$CONNECTIONS -d$DURATION on $(nproc) cores (wrk shares the machine)."
printf '| %-34s | %10s | %8s | %8s | %8s |\n' "target" "req/s" "p50" "p90" "p99"
printf '|%s|%s|%s|%s|%s|\n' "------------------------------------" "------------" "----------" "----------" "----------"
run "shelfmark home page /en/" "http://127.0.0.1:$port/en/"
run "shelfmark library page /en/libraries/CL" "http://127.0.0.1:$port/en/libraries/CL"
run "nginx static home page" "http://127.0.0.1:$nginx_port/en/"
run "nginx static library page" "http://127.0.0.1:$nginx_port/en/libraries/CL"

echo
"$(dirname "$BIN")/../../bench/circulation_bench" ${CIRCULATION_ARGS:-}

echo
# SIP2: checkouts and checkins per second through the SIP2 server, 1/16/128 terminals (SIP2_ARGS to change,
# for example "--seconds 5 --terminals 1,64").
"$(dirname "$BIN")/../../bench/sip2_bench" ${SIP2_ARGS:-}

echo
# Search: index build rate, queries per second and latency with 1 and 32 clients, Shelfmark beside Zebra
# (SEARCH_ARGS to change, for example "--records 100000 --seconds 5").
"$(dirname "$BIN")/../../bench/search_bench" --shelfmark "$BIN" ${SEARCH_ARGS:-}
