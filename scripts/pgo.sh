#!/usr/bin/env bash
# Regenerates cmd/idlint/default.pgo, the CPU profile that `go build` and `go install` use for
# profile-guided optimization of idlint (Go's -pgo=auto, the default). Run it after changes
# to the hot paths (the readers, the record rules, the keys and the sieve), and compare the
# binaries built with the old and the new profile with scripts/bench.sh before committing.
#
#   scripts/pgo.sh
#
# The profile is that of `go test ./validate -bench Check`: the whole engine over 100,000
# generated records in each of the five payload formats, with 1 % defects. It needs
# ../shared/bench/gen beside the clone (the generator), as the benchmark does.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
if [ ! -f "$here/../shared/bench/gen/main.go" ]; then
	echo "pgo: the generator is not at $here/../shared/bench/gen" >&2
	exit 2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! (cd "$here" && go test ./validate -run '^$' -bench 'Check/' -benchtime 20x -o "$tmp/validate.test" \
	-cpuprofile "$tmp/cpu.pprof" >"$tmp/bench.txt" 2>&1) || ! grep -q '^BenchmarkCheck/' "$tmp/bench.txt"; then
	echo "pgo: the benchmark failed or did not run; the profile is unchanged:" >&2
	cat "$tmp/bench.txt" >&2
	exit 1
fi
# Written beside the old one, then renamed over it: a failed run leaves the old profile whole.
cp "$tmp/cpu.pprof" "$here/cmd/idlint/default.pgo.new"
mv "$here/cmd/idlint/default.pgo.new" "$here/cmd/idlint/default.pgo"
echo "pgo: wrote cmd/idlint/default.pgo ($(wc -c <"$here/cmd/idlint/default.pgo") bytes)"
