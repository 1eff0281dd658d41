#!/usr/bin/env bash
# The GitHub Action's step (action.yml): installs idlint from the action's own checkout — the
# ref the workflow names in `uses: idlint/idlint@REF` — and checks the input paths with
# --format github, so that findings become annotations on the pull request. With INPUT_SARIF
# it also writes a SARIF report there, for github/codeql-action/upload-sarif.
#
# Environment (set by action.yml from its inputs):
#   INPUT_PATHS    files and directories, separated by spaces or newlines (default ".")
#   INPUT_SARIF    a path for the SARIF report, or empty
#   INPUT_FAIL_ON  error|warning|never (default error)
#   INPUT_REDACT   mask|hash, or empty
#   INPUT_ARGS     more flags for idlint check, separated by spaces
#   IDLINT_SOURCE  the action's checkout (github.action_path), built with go install
#   IDLINT_BIN     an idlint binary to use instead of building one (tests)
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP: as GitHub Actions sets them
# The exit status is idlint's, so the step fails as `idlint check` does.
set -uo pipefail

if [ -n "${IDLINT_BIN:-}" ]; then
	idlint=$IDLINT_BIN
else
	bin="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/idlint-bin"
	mkdir -p "$bin"
	if ! (cd "${IDLINT_SOURCE:?IDLINT_SOURCE is not set}" && GOBIN="$bin" go install ./cmd/idlint); then
		echo "::error title=idlint::could not build idlint from $IDLINT_SOURCE; is Go installed (setup-go: true)?"
		exit 2
	fi
	idlint=$bin/idlint
fi

read -r -d '' -a paths <<<"${INPUT_PATHS:-.}" || true
[ ${#paths[@]} -gt 0 ] || paths=(.)
read -r -d '' -a extra <<<"${INPUT_ARGS:-}" || true
flags=(--fail-on "${INPUT_FAIL_ON:-error}" --color never)
if [ -n "${INPUT_REDACT:-}" ]; then
	flags+=("--redact=$INPUT_REDACT")
fi

out() { [ -n "${GITHUB_OUTPUT:-}" ] && echo "$1" >>"$GITHUB_OUTPUT"; return 0; }

if [ -n "${INPUT_SARIF:-}" ]; then
	mkdir -p "$(dirname "$INPUT_SARIF")"
	"$idlint" check "${flags[@]}" "${extra[@]}" --format sarif --output "$INPUT_SARIF" -- "${paths[@]}" 2>/dev/null
	code=$?
	if [ $code -eq 2 ] || [ ! -s "$INPUT_SARIF" ]; then
		echo "::error title=idlint::no SARIF report was written to $INPUT_SARIF (idlint exited $code)"
	else
		out "sarif=$INPUT_SARIF"
	fi
fi

report=$("$idlint" check "${flags[@]}" "${extra[@]}" --format github -- "${paths[@]}")
code=$?
printf '%s\n' "$report"
out "exit-code=$code"
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
	summary=$(printf '%s\n' "$report" | grep '^idlint: ' | tail -n 1)
	{
		echo "### idlint"
		echo
		echo "${summary#idlint: }"
	} >>"$GITHUB_STEP_SUMMARY"
fi
exit $code
