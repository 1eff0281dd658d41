#!/usr/bin/env bash
# Tests .pre-commit-hooks.yaml with pre-commit itself: in a throwaway repository, the idlint
# hook must pass a good identity file and block a bad one (and, configured as the README
# shows, a bad JSON Lines file in an identity folder).
#
# pre-commit installs a hook from a git repository at a commit, so this copies the work tree
# (committed or not) to a temporary repository and commits it there. language: golang makes
# pre-commit build idlint with `go install`, which needs Go and the module proxy (or a warm
# module cache).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

if ! command -v pre-commit >/dev/null; then
	echo "test-pre-commit: pre-commit is not installed (apt-get install pre-commit, or pip install pre-commit)" >&2
	exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PRE_COMMIT_HOME="$tmp/cache" # pre-commit's environments, away from the user's
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig"
git config --global user.name idlint-test
git config --global user.email idlint-test@example.com
git config --global init.defaultBranch main
git config --global commit.gpgsign false

# The hook repository: this work tree, as it is, committed.
hookrepo="$tmp/hookrepo"
mkdir "$hookrepo"
(cd "$here" && git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$hookrepo")
git -C "$hookrepo" init -q
git -C "$hookrepo" add -A
git -C "$hookrepo" commit -q -m "idlint under test"
rev=$(git -C "$hookrepo" rev-parse HEAD)

# The repository being checked.
repo="$tmp/repo"
mkdir -p "$repo/identities"
cd "$repo"
git init -q
printf 'email,applicationType,cloudId\njane.doe@acme.com,GITHUB,janedoe\n' >identities/good.csv
printf 'email,applicationType,cloudId\njohn.roe@acme.com,GITHUBB,jroe\n' >identities/bad.csv
printf '{"email":"ann.lee@acme.com","integrationId":"7","identity":"annlee"}\n' >identities/bad.jsonl
printf '{"not": "an identity file"}\n' >package.json # outside the identity folder
git add -A

fail() {
	echo "test-pre-commit: FAIL: $*" >&2
	exit 1
}

echo "== try-repo on a good file: must pass"
if ! pre-commit try-repo "$hookrepo" idlint --ref "$rev" --files identities/good.csv >"$tmp/good.out" 2>&1; then
	cat "$tmp/good.out" >&2
	fail "the good file was blocked"
fi
grep -q 'idlint.*Passed' "$tmp/good.out" || { cat "$tmp/good.out" >&2; fail "idlint did not run on the good file"; }

echo "== try-repo on a bad file: must be blocked, with idlint's report"
if pre-commit try-repo "$hookrepo" idlint --ref "$rev" --files identities/good.csv identities/bad.csv >"$tmp/bad.out" 2>&1; then
	cat "$tmp/bad.out" >&2
	fail "the bad file was NOT blocked"
fi
grep -q 'identities/bad.csv:2:19: error: unknown applicationType "GITHUBB"' "$tmp/bad.out" ||
	{ cat "$tmp/bad.out" >&2; fail "the report does not show the finding"; }

echo "== the README's configuration: an identity folder, JSON Lines included"
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: $hookrepo
    rev: $rev
    hooks:
      - id: idlint
        files: ^identities/.*\.(csv|json|jsonl|ndjson)$
        types_or: [csv, json, text]
YAML
if pre-commit run --files identities/good.csv identities/bad.jsonl >"$tmp/jsonl.out" 2>&1; then
	cat "$tmp/jsonl.out" >&2
	fail "the bad JSON Lines file was NOT blocked"
fi
grep -q 'identities/bad.jsonl:1:.*must be an integer' "$tmp/jsonl.out" ||
	{ cat "$tmp/jsonl.out" >&2; fail "the report does not show the JSON Lines finding"; }
if ! pre-commit run --files identities/good.csv package.json >"$tmp/cfg-good.out" 2>&1; then
	cat "$tmp/cfg-good.out" >&2
	fail "a good identity file, or a JSON file outside the identity folder, was blocked"
fi

echo "test-pre-commit: ok (pre-commit $(pre-commit --version | cut -d' ' -f2))"
