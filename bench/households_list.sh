#!/usr/bin/env bash
# P3 (targets.md): GET /api/v1/households at 1M persons under wrk with 64 connections, and
# P6: `zhenxing export households` of the whole county to XLSX (and CSV), timed, peak RSS.
#
#   bench/households_list.sh [BIN] [DB] [--pg]
#
# BIN defaults to build/src/zhenxing. DB defaults to bench-out/hh1m.db, made with
# `zhenxing demo --households 335000` (≈1,000,000 persons) when absent. With --pg the server
# serves a copy of DB in a throwaway PostgreSQL 15 instead (tests/lib/pg.sh in a temp
# directory: fsync=off; `zhenxing copy`, then ANALYZE as autovacuum would). Prints one line per
# scenario: requests/s, p50/p99 latency, and the ratio to the same server's static-asset
# rate measured in the same run (the baseline). Needs wrk (Debian package wrk).
set -euo pipefail
BIN=${1:-build/src/zhenxing}
DB=${2:-bench-out/hh1m.db}
PGMODE=0
[ "${3:-}" = --pg ] && PGMODE=1
DUR=${ZX_BENCH_SECONDS:-20}
CONNS=${ZX_BENCH_CONNECTIONS:-64}
THREADS=${ZX_BENCH_SERVER_THREADS:-2}
PORT=${ZX_BENCH_PORT:-18590}
mkdir -p "$(dirname "$DB")"
OUT=$(cd "$(dirname "$DB")" && pwd)

if [ ! -f "$DB" ]; then
	echo "== making $DB (335,000 households)"
	"$BIN" demo --db "$DB" --households 335000 --seed 11 >"$OUT/demo.log"
fi
ZXDB=$DB PGDIR="" SERVER=""
cleanup() {
	[ -z "$SERVER" ] || kill "$SERVER" 2>/dev/null || true
	if [ -n "$PGDIR" ]; then
		"$(dirname "$0")/../tests/lib/pg.sh" stop "$PGDIR/c"
		rm -rf "$PGDIR"
	fi
}
trap cleanup EXIT
if [ "$PGMODE" = 1 ]; then
	PGDIR=$(mktemp -d /tmp/zx-bench-list-pg-XXXXXX)
	chmod 755 "$PGDIR"
	PG_URL=$("$(dirname "$0")/../tests/lib/pg.sh" start "$PGDIR/c")
	t0=$(date +%s.%N)
	"$BIN" copy --from "$DB" --to "$PG_URL" --to-key "$PGDIR/pg.key" >/dev/null 2>"$PGDIR/copy.log" || { cat "$PGDIR/copy.log" >&2; exit 1; }
	# A database in service is kept vacuumed by autovacuum (its visibility map lets the list's
	# index-only scans skip the heap); a fresh copy is not yet: vacuum it as autovacuum would.
	psql -X -q -d "$PG_URL" -c 'VACUUM ANALYZE'
	echo "== PostgreSQL 15 (fsync=off): $DB copied, vacuumed and analyzed in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s"
	export ZHENXING_KEY=$PGDIR/pg.key
	ZXDB=$PG_URL
fi
PW='Bench-pass-2026!'
"$BIN" user add --db "$ZXDB" --name bench_county --role county_admin --area 510722000000 <<<"$PW" >/dev/null 2>&1 || true
"$BIN" user add --db "$ZXDB" --name bench_clerk --role village_clerk --area 510722101002 <<<"$PW" >/dev/null 2>&1 || true

# Production settings except the TOTP gate of the admin roles (the bench logs in by script).
printf 'totp_required_roles =\n' >"$OUT/bench.conf"
"$BIN" serve --config "$OUT/bench.conf" --db "$ZXDB" --listen 127.0.0.1:$PORT --threads "$THREADS" >"$OUT/serve.log" 2>&1 &
SERVER=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done

# Logs in (changing a generated password if the server asks) and prints the session cookie.
cookie() {
	local user=$1 jar="$OUT/cj.$1" csrf
	csrf=$(curl -sf -c "$jar" -H 'Content-Type: application/json' \
		-d "{\"username\":\"$user\",\"password\":\"$PW\"}" "http://127.0.0.1:$PORT/api/v1/session" |
		python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["csrf_token"] if not d["user"]["must_change_password"] else "CHANGE " + d["csrf_token"])')
	if [[ $csrf == CHANGE* ]]; then
		curl -sf -b "$jar" -H "X-CSRF-Token: ${csrf#CHANGE }" -H 'Content-Type: application/json' \
			-d "{\"old_password\":\"$PW\",\"new_password\":\"$PW-2\"}" "http://127.0.0.1:$PORT/api/v1/me/password" >/dev/null
		PW="$PW-2" cookie "$user"
		return
	fi
	awk '$6 == "zx_session" {print "zx_session=" $7}' "$jar"
}
CC=$(cookie bench_county)
VC=$(cookie bench_clerk)
ID=$(curl -sf -b "$CC" "http://127.0.0.1:$PORT/api/v1/households?per_page=1&page=777" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["hh_no"])')
PERSON=$(curl -sf -b "$CC" "http://127.0.0.1:$PORT/api/v1/households/$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["members"][0]["id"])')
CSRF=$(curl -sf -b "$CC" "http://127.0.0.1:$PORT/api/v1/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])')
IDNO=$(curl -sf -b "$CC" -X POST -H "X-CSRF-Token: $CSRF" "http://127.0.0.1:$PORT/api/v1/persons/$PERSON/unmask" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id_number"])')

# The server's CPU time (user + system, in clock ticks) so far; with --pg also that of the
# PostgreSQL server's processes (the postmaster's children: the pool's backends stay open).
cpu_ticks() { awk '{print $14 + $15}' /proc/$SERVER/stat; }
pg_ticks() {
	[ -n "$PGDIR" ] || { echo 0; return; }
	local master
	master=$(head -1 "$PGDIR/c/data/postmaster.pid")
	for p in $(pgrep -P "$master"); do awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null; done | awk '{s += $1} END {print s + 0}'
}
TICK=$(getconf CLK_TCK)

# One wrk run. Besides throughput and latency it prints the server's CPU time per request,
# which other load on the machine distorts far less than req/s: 1 s / (CPU per request) per
# core is the rate a quiet machine would reach if the server were CPU-bound.
run() { # name cookie path
	local name=$1 ck=$2 path=$3 out t0 t1 g0 g1
	t0=$(cpu_ticks)
	g0=$(pg_ticks)
	out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -H "Cookie: $ck" "http://127.0.0.1:$PORT$path")
	t1=$(cpu_ticks)
	g1=$(pg_ticks)
	local rps p50 p99 non2xx reqs cpu
	rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
	reqs=$(awk '/requests in/ {print $1}' <<<"$out")
	p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
	p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
	non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
	cpu=$(python3 -c "print(f'{($t1 - $t0) / $TICK / max($reqs, 1) * 1e6:.0f}')")
	local pgcpu=""
	[ -z "$PGDIR" ] || pgcpu="+ $(python3 -c "print(f'{($g1 - $g0) / $TICK / max($reqs, 1) * 1e6:.0f}')") us PostgreSQL "
	printf '%-26s %9s req/s  p50 %8s  p99 %8s  %6s us CPU/req %s%s\n' "$name" "$rps" "$p50" "$p99" "$cpu" \
		"$pgcpu" "${non2xx:+NON-2XX $non2xx}"
	echo "$rps" >"$OUT/rps.$name"
}
echo "== $(nproc) cores, server threads $THREADS, $CONNS connections, ${DUR}s each; load average $(cut -d' ' -f1-3 /proc/loadavg)"
run static_asset "" /app/main.js
run list_county "$CC" "/api/v1/households?per_page=20"
run list_county_page_500 "$CC" "/api/v1/households?per_page=20&page=500"
run list_village_clerk "$VC" "/api/v1/households?per_page=20"
run category_county "$CC" "/api/v1/households?category=%E8%BE%B9%E7%BC%98%E6%98%93%E8%87%B4%E8%B4%AB%E6%88%B7"
run name_1char_county "$CC" "/api/v1/households?q=%E5%BC%A0"
run name_2char_county "$CC" "/api/v1/households?q=%E5%BC%A0%E5%BB%BA"
run name_1char_village "$VC" "/api/v1/households?q=%E5%BC%A0"
run id_exact_county "$CC" "/api/v1/households?q=$IDNO"
run hh_no_prefix_county "$CC" "/api/v1/households?q=${ID:0:14}"
static=$(cat "$OUT/rps.static_asset")
for f in "$OUT"/rps.*; do
	n=${f##*/rps.}
	python3 -c "print(f'{\"$n\":34s} {float(open(\"$f\").read())/float(\"$static\"):.2f} of the static-asset rate')"
done
echo "== server RSS after the runs: $(awk '/VmRSS/ {print $2, $3}' /proc/$SERVER/status)"
kill $SERVER
wait $SERVER 2>/dev/null || true
SERVER=""

echo "== P6: export the county"
for fmt in xlsx csv; do
	/usr/bin/time -f "%e s wall, %U s user + %S s sys CPU, peak RSS %M KB" "$BIN" export households --db "$ZXDB" --area 510722 --format $fmt \
		--unmasked -o "$OUT/export.$fmt" 2>&1 | grep -v '^20[0-9][0-9]-'
	ls -la "$OUT/export.$fmt" | awk '{print $5, "bytes"}'
	rm -f "$OUT/export.$fmt"
done
