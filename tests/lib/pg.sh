#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 for the tests and prints its URL:
#   url=$(tests/lib/pg.sh start DIR)    ...    tests/lib/pg.sh stop DIR
# initdb into DIR as an unprivileged user (CI runs as root; postgres refuses root),
# listening only on 127.0.0.1 on a free port, trust auth for that address only.
set -euo pipefail
cmd=${1:?start|stop}
dir=${2:?directory}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL server not installed (postgresql-15)" >&2; exit 3; }
runas=()
if [ "$(id -u)" -eq 0 ]; then
	id zxtest >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin zxtest
	runas=(runuser -u zxtest --)
fi
case $cmd in
start)
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown zxtest "$dir"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"${runas[@]}" "$bin/initdb" -D "$dir/data" -U zx --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
	"${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off -c max_connections=200" \
		start >/dev/null
	"${runas[@]}" "$bin/createdb" -h 127.0.0.1 -p "$port" -U zx zx_test
	echo "$port" >"$dir/port"
	echo "postgresql://zx@127.0.0.1:$port/zx_test"
	;;
stop)
	[ -d "$dir/data" ] && "${runas[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
	;;
*)
	echo "usage: tests/lib/pg.sh start|stop DIR" >&2
	exit 2
	;;
esac
