#!/usr/bin/env bash
# Real-shell end-to-end tests: boots a Debian rootfs per GNOME version with
# systemd-nspawn, runs gnome-shell --headless inside it with the packed
# extension installed, and runs test/e2e/scenarios/*.mjs against it.
#
#   sudo npm run test:e2e
#   CONFINE_E2E_VERSIONS="51" CONFINE_E2E_SKIP_BUILD=1 bash test/e2e/run.sh
#   CONFINE_E2E_ONLY=03 bash test/e2e/run.sh     # scenario files matching a substring
#
# See test/e2e/README.md.
set -uo pipefail

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$E2E_DIR/../.." && pwd)
UUID=confine@confine.github.io
ZIP=$REPO_DIR/dist/$UUID.shell-extension.zip
VERSIONS=${CONFINE_E2E_VERSIONS:-48 50 51}
BOOT_TIMEOUT=${CONFINE_E2E_BOOT_TIMEOUT:-120}

# shellcheck source=lib/rootfs.sh
source "$E2E_DIR/lib/rootfs.sh"

if [[ $EUID -ne 0 ]]; then
	echo "test/e2e/run.sh must run as root (debootstrap, systemd-nspawn, nsenter)" >&2
	echo "0 passed, 1 failed"
	exit 2
fi

# One run at a time on this machine: two headless shells on two cores make
# timings flaky, and runs share /run/systemd/nspawn and the rootfs cache.
exec {RUN_LOCK}>/run/lock/confine-e2e-run.lock
if ! flock -n "$RUN_LOCK"; then
	e2e_log "waiting for another e2e run to finish"
	flock "$RUN_LOCK"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ARTIFACTS=${CONFINE_E2E_ARTIFACTS:-/tmp/confine-e2e-artifacts/$STAMP}
WORK=$(mktemp -d /tmp/confine-e2e-run.XXXXXX)
mkdir -p "$ARTIFACTS"

TOTAL_PASSED=0
TOTAL_FAILED=0
declare -a SUMMARY=()

NSPAWN_PID=
LEADER=
BUILD_PID=
RUNNER_PID=

# Stops a process we started and everything below it, children first.
kill_tree() {
	local pid=$1 sig=${2:-TERM} child
	for child in $(pgrep -P "$pid" 2>/dev/null); do
		kill_tree "$child" "$sig"
	done
	kill -"$sig" "$pid" 2>/dev/null
}

# Stops the running container, if any: a clean poweroff first, then force.
stop_container() {
	[[ -n $NSPAWN_PID ]] || return 0
	if kill -0 "$NSPAWN_PID" 2>/dev/null; then
		# The user session is disposable, and stopping user@1000.service in
		# order hangs for its full 90 s timeout: kill it outright first.
		[[ -n $LEADER ]] && timeout 10 nsenter -t "$LEADER" -a -- \
			systemctl kill --signal=KILL user@1000.service >/dev/null 2>&1
		# nspawn turns SIGTERM into an orderly shutdown of the container's systemd.
		kill -TERM "$NSPAWN_PID" 2>/dev/null
		for _ in $(seq 1 100); do
			kill -0 "$NSPAWN_PID" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$NSPAWN_PID" 2>/dev/null; then
			e2e_log "container did not power off in 20 s, killing it"
			[[ -n $LEADER ]] && kill -KILL "$LEADER" 2>/dev/null
			kill -KILL "$NSPAWN_PID" 2>/dev/null
		fi
	fi
	wait "$NSPAWN_PID" 2>/dev/null
	NSPAWN_PID=
	LEADER=
}

teardown() {
	local rc=$?
	trap - EXIT INT TERM
	# Interrupted mid-build or mid-scenario: stop those first. The build's own
	# trap removes its half-built rootfs.
	if [[ -n $RUNNER_PID ]] && kill -0 "$RUNNER_PID" 2>/dev/null; then
		kill_tree "$RUNNER_PID"
		wait "$RUNNER_PID" 2>/dev/null
	fi
	if [[ -n $BUILD_PID ]] && kill -0 "$BUILD_PID" 2>/dev/null; then
		e2e_log "stopping the rootfs build"
		kill_tree "$BUILD_PID"
		wait "$BUILD_PID" 2>/dev/null
	fi
	stop_container
	if [[ -n ${E2E_MOUNTED_NSPAWN_TMPFS:-} ]]; then
		umount /run/systemd/nspawn 2>/dev/null || umount -l /run/systemd/nspawn 2>/dev/null
	fi
	rm -rf --one-file-system "$WORK"
	return "$rc"
}
trap teardown EXIT
trap 'e2e_log "interrupted"; exit 130' INT TERM

# The container's PID 1 is the child of nspawn whose command is systemd.
find_leader() {
	local child
	for child in $(pgrep -P "$NSPAWN_PID" 2>/dev/null); do
		if [[ $(readlink "/proc/$child/exe" 2>/dev/null) == */systemd ]] ||
			[[ $(cat "/proc/$child/comm" 2>/dev/null) == systemd ]]; then
			echo "$child"
			return 0
		fi
	done
	return 1
}

in_container() { nsenter -t "$LEADER" -a -- "$@"; }

boot_container() {
	local version=$1 suite=$2 rootfs=$3 log=$4 state deadline
	e2e_prepare_nspawn
	# --volatile=overlay: the cached tree is the read-only lower layer, every
	# write goes to a tmpfs that disappears with the container.
	# shellcheck disable=SC2046
	env $(e2e_nspawn_env "$suite") systemd-nspawn -q --keep-unit --register=no \
		--boot --volatile=overlay --private-network --link-journal=no \
		--resolv-conf=off --timezone=off --console=read-only \
		--machine="confine-e2e-$version" -D "$rootfs" </dev/null >"$log" 2>&1 &
	NSPAWN_PID=$!
	deadline=$((SECONDS + BOOT_TIMEOUT))
	until LEADER=$(find_leader); do
		if ! kill -0 "$NSPAWN_PID" 2>/dev/null || ((SECONDS > deadline)); then
			e2e_log "GNOME $version: systemd-nspawn did not start a container"
			tail -n 20 "$log" >&2
			return 1
		fi
		sleep 0.2
	done
	while :; do
		state=$(in_container systemctl is-system-running 2>/dev/null)
		case $state in
			running | degraded) break ;;
		esac
		if ! kill -0 "$NSPAWN_PID" 2>/dev/null || ((SECONDS > deadline)); then
			e2e_log "GNOME $version: system did not reach running (state: ${state:-unknown})"
			return 1
		fi
		sleep 0.5
	done
	until in_container systemctl is-active -q user@1000.service; do
		if ((SECONDS > deadline)); then
			e2e_log "GNOME $version: user@1000.service did not become active"
			return 1
		fi
		sleep 0.5
	done
	[[ $state == degraded ]] && e2e_log "GNOME $version: system is degraded: $(in_container systemctl --failed --plain --no-legend | awk '{print $1}' | xargs)"
	return 0
}

record() { # record <version> <passed> <failed> <note>
	TOTAL_PASSED=$((TOTAL_PASSED + $2))
	TOTAL_FAILED=$((TOTAL_FAILED + $3))
	SUMMARY+=("GNOME $1: $2 passed, $3 failed${4:+ ($4)}")
}

run_version() {
	local version=$1 suite rootfs start boot_start art results passed failed rc
	start=$SECONDS
	art=$ARTIFACTS/$version
	mkdir -p "$art"
	if ! suite=$(e2e_suite_for_version "$version"); then
		e2e_log "unknown GNOME version '$version' (known: 48 50 51)"
		record "$version" 0 1 "unknown version"
		return
	fi
	# In the background so that a signal interrupts the wait, not just the build.
	e2e_rootfs "$suite" >"$WORK/rootfs-$version" &
	BUILD_PID=$!
	wait "$BUILD_PID"
	rc=$?
	BUILD_PID=
	rootfs=$(cat "$WORK/rootfs-$version")
	if ((rc != 0)) || [[ ! -d $rootfs ]]; then
		record "$version" 0 1 "rootfs build failed"
		return
	fi
	[[ -s $rootfs/etc/confine-e2e/skipped-packages ]] &&
		e2e_log "GNOME $version: optional packages not installed in $suite: $(paste -sd, "$rootfs/etc/confine-e2e/skipped-packages")"
	boot_start=$SECONDS
	e2e_log "GNOME $version: booting $suite (gnome-shell $(cat "$rootfs/etc/confine-e2e/gnome-shell-version" 2>/dev/null))"
	if ! boot_container "$version" "$suite" "$rootfs" "$art/console.log"; then
		[[ -n $LEADER ]] && in_container journalctl -b --no-pager >"$art/journal-system.txt" 2>&1
		stop_container
		record "$version" 0 1 "container did not boot"
		e2e_log "GNOME $version: artifacts in $art"
		return
	fi
	e2e_log "GNOME $version: booted in $((SECONDS - boot_start)) s"
	results=$WORK/results-$version.json
	# The runner's output is kept beside the journals: a failure's message is then in the
	# artifacts too, not only in the terminal that ran the suite.
	node "$E2E_DIR/lib/runner.mjs" --version "$version" --suite "$suite" --leader "$LEADER" \
		--zip "$ZIP" --artifacts "$art" --results "$results" > >(tee "$art/run.log") 2>&1 &
	RUNNER_PID=$!
	wait "$RUNNER_PID"
	RUNNER_PID=
	if [[ -s $results ]]; then
		cp "$results" "$art/results.json"
		passed=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.passed)' "$results")
		failed=$(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.failed)' "$results")
	else
		passed=0 failed=1
	fi
	stop_container
	record "$version" "$passed" "$failed" "$((SECONDS - start)) s"
	e2e_log "GNOME $version: $passed passed, $failed failed in $((SECONDS - start)) s; artifacts in $art"
}

if [[ ${CONFINE_E2E_SKIP_BUILD:-} != 1 ]]; then
	e2e_log "npm run build"
	if ! (cd "$REPO_DIR" && npm run build --silent); then
		e2e_log "npm run build failed"
		echo "0 passed, 1 failed"
		exit 1
	fi
fi
if [[ ! -f $ZIP ]]; then
	e2e_log "missing $ZIP (run npm run build)"
	echo "0 passed, 1 failed"
	exit 1
fi

RUN_START=$SECONDS
e2e_prepare_nspawn
for version in $VERSIONS; do
	run_version "$version"
done

stop_container
echo
printf '%s\n' "${SUMMARY[@]}"
echo "artifacts: $ARTIFACTS"
echo "total time: $((SECONDS - RUN_START)) s"
echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed"
((TOTAL_FAILED == 0))
