#!/usr/bin/env bash
# Measures idlint end to end on generated files: wall time, rows per second and peak RSS of the
# whole process, per payload format.
#
#   scripts/bench.sh                 # 1,000,000 rows, 1 % defects
#   ROWS=10000000 scripts/bench.sh   # any size
#
# Each file is checked RUNS times (default 3); the best wall time, the least CPU time and the
# largest peak RSS are printed, so that a busy machine disturbs the figures less.
#
# The same files then go through a bare parse with Go's standard library (scripts/floors), in
# the same run: encoding/csv is about the least a CSV check in Go can take; encoding/json,
# which idlint does not use, is where a check built on it would start.
#
# Where ajv-cli is installed (npm install -g ajv-cli), the JSON files also go through it with
# idlint's own record schemas (`idlint schema v2|legacy`), all errors reported, for a side-by-
# side ratio: ajv checks the schema only, idlint every rule.
#
# It needs ../shared/bench/gen beside the clone (the generator) and /usr/bin/time (GNU time).
# Generated files are cached in $BENCH_DIR (default: $TMPDIR/idlint-bench).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
gen=${GEN_DIR:-$here/../shared/bench}
rows=${ROWS:-1000000}
defects=${DEFECTS:-0.01}
runs=${RUNS:-3}
out=${BENCH_DIR:-${TMPDIR:-/tmp}/idlint-bench}
mkdir -p "$out"

if [ ! -f "$gen/gen/main.go" ]; then
	echo "bench: the generator is not at $gen/gen (set GEN_DIR)" >&2
	exit 2
fi
if [ ! -x /usr/bin/time ]; then
	echo "bench: needs GNU time at /usr/bin/time (apt-get install time)" >&2
	exit 2
fi

(cd "$here" && go build -o "$out/idlint" ./cmd/idlint && go build -o "$out/floors" ./scripts/floors)
echo "idlint $(cd "$here" && git describe --always --dirty 2>/dev/null || echo '?'), $(go version | cut -d' ' -f3), $(nproc) cores, $rows rows, $defects defects, best of $runs runs"

# measure runs a command RUNS times; it sets wall (the best, in seconds), cpu (the least user
# and system time, in seconds: on two cores a run of idlint takes about half its CPU time, so
# this tells a change in work from a change in the machine's pace), rss (the largest, in KB)
# and code (the last exit status), and leaves the last output in $out/report.txt.
measure() {
	wall= cpu= rss=0
	for _ in $(seq "$runs"); do
		set +e
		/usr/bin/time -f '%e %M %U %S' -o "$out/time.txt" "$@" >"$out/report.txt" 2>"$out/stderr.txt"
		code=$?
		set -e
		read -r w r u s < <(tail -n 1 "$out/time.txt") # GNU time first notes a non-zero exit
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		if [ -z "$wall" ] || awk -v a="$w" -v b="$wall" 'BEGIN { exit !(a < b) }'; then wall=$w; fi
		if [ -z "$cpu" ] || awk -v a="$c" -v b="$cpu" 'BEGIN { exit !(a < b) }'; then cpu=$c; fi
		if [ "$r" -gt "$rss" ]; then rss=$r; fi
	done
}

declare -A idlint_wall
printf '%-12s %10s %8s %8s %14s %10s %s\n' format size wall CPU rows/s peakRSS findings
for format in csv-legacy csv-v2 v2-json legacy-json ndjson; do
	case $format in
	csv-*) ext=csv ;;
	ndjson) ext=ndjson ;;
	*) ext=json ;;
	esac
	file="$out/$format-$rows-$defects.$ext"
	if [ ! -s "$file" ]; then
		(cd "$gen" && go run ./gen -rows "$rows" -format "$format" -defects "$defects" -seed 1 >"$file")
	fi
	cat "$file" >/dev/null # warm the page cache, as the peers were measured
	measure "$out/idlint" check --color never --max-findings 0 "$file"
	if [ "$code" -gt 1 ]; then
		echo "bench: idlint exited $code on $file:" >&2
		cat "$out/stderr.txt" >&2
		exit 1
	fi
	idlint_wall[$format]=$wall
	size=$(du -h "$file" | cut -f1)
	summary=$(tail -n 1 "$out/report.txt")
	rate=$(awk -v r="$rows" -v w="$wall" 'BEGIN { if (w > 0) printf "%.0f", r / w; else print "-" }')
	printf '%-12s %10s %7ss %7ss %14s %8dMB %s\n' "$format" "$size" "$wall" "$cpu" "$rate" $((rss / 1024)) "$summary"
done

# The floors: a bare parse of the same files with Go's standard library (scripts/floors),
# measured here, not taken from another day: this kind of machine's speed drifts.
echo
echo "Go's standard library on the same files, parse only (scripts/floors), best of $runs runs:"
printf '%-12s %-44s %8s %10s %s\n' format floor wall peakRSS "idlint's time / floor's"
for spec in "csv-legacy csv encoding/csv, every row" "v2-json json encoding/json, one element at a time"; do
	read -r format kind what <<<"$spec"
	ext=json
	[ "$kind" = csv ] && ext=csv
	measure "$out/floors" "$kind" "$out/$format-$rows-$defects.$ext"
	if [ "$code" -ne 0 ]; then
		echo "bench: the $kind floor failed:" >&2
		cat "$out/stderr.txt" >&2
		exit 1
	fi
	ratio=$(awk -v a="${idlint_wall[$format]}" -v b="$wall" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
	printf '%-12s %-44s %7ss %8dMB %s\n' "$format" "$what" "$wall" $((rss / 1024)) "$ratio"
done

if command -v ajv >/dev/null; then
	echo
	echo "ajv-cli on the same JSON files, with idlint's record schemas, JSON Schema only, best of $runs runs:"
	printf '%-12s %8s %10s %s\n' format wall peakRSS "ajv's time / idlint's"
	for format in v2-json legacy-json; do
		shape=${format%-json}
		"$out/idlint" schema "$shape" >"$out/$shape.schema.json"
		measure ajv validate --spec=draft7 --all-errors --errors=line -s "$out/$shape.schema.json" -d "$out/$format-$rows-$defects.json"
		ratio=$(awk -v a="$wall" -v b="${idlint_wall[$format]}" 'BEGIN { printf "%.1f", a / b }')
		printf '%-12s %7ss %8dMB %s\n' "$format" "$wall" $((rss / 1024)) "$ratio"
	done
fi
