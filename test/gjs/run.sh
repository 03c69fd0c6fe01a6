#!/usr/bin/env bash
# Runs test/gjs/*.test.js under the host's gjs against the built core in
# dist/extension (npm run test:gjs builds it first). GLib is the real consumer of
# the Exec lines and settings values the core produces, so these tests use it.
set -uo pipefail

GJS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$GJS_DIR/../.." && pwd)

if ! command -v gjs >/dev/null; then
	echo "gjs is not installed (Debian: apt-get install gjs gir1.2-glib-2.0)" >&2
	echo "gjs: 0 passed, 1 failed"
	exit 1
fi
if [[ ! -f $REPO_DIR/dist/extension/core/execLine.js ]]; then
	echo "dist/extension is missing: run npm run build first" >&2
	echo "gjs: 0 passed, 1 failed"
	exit 1
fi

SCRATCH=$(mktemp -d /tmp/confine-gjs.XXXXXX)
trap 'rm -rf "$SCRATCH"' EXIT

passed=0
failed=0
for file in "$GJS_DIR"/*.test.js; do
	name=${file#"$REPO_DIR"/}
	# Settings live in memory; the schema is the one the build compiled
	# (into dist/schemas: the zip ships the XML only). Any GLib
	# warning or critical aborts the test file.
	output=$(cd "$REPO_DIR" && env TMPDIR="$SCRATCH" GSETTINGS_BACKEND=memory \
		GSETTINGS_SCHEMA_DIR="$REPO_DIR/dist/schemas" G_DEBUG=fatal-warnings,fatal-criticals \
		gjs -m "$file" 2>&1)
	status=$?
	printf '%s\n' "$output" | grep -v '^RESULT '
	result=$(printf '%s\n' "$output" | sed -n 's/^RESULT passed=\([0-9]*\) failed=\([0-9]*\)$/\1 \2/p' | tail -n 1)
	if [[ -z $result ]]; then
		echo "not ok - $name: ended without a result (exit status $status)"
		failed=$((failed + 1))
		continue
	fi
	read -r file_passed file_failed <<<"$result"
	passed=$((passed + file_passed))
	failed=$((failed + file_failed))
	if [[ $status -ne 0 && $file_failed -eq 0 ]]; then
		echo "not ok - $name: exit status $status"
		failed=$((failed + 1))
	fi
done

echo "gjs: $passed passed, $failed failed"
[[ $failed -eq 0 && $passed -gt 0 ]]
