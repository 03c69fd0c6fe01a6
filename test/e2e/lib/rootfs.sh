# shellcheck shell=bash
# Builds (or reuses) the cached Debian rootfs for one GNOME version.
#
# Sourced by run.sh. Can also be run directly to pre-build caches:
#   bash test/e2e/lib/rootfs.sh 48 50 51
#
# A cache lives in /var/cache/confine-e2e/<suite>-<key>, where <key> hashes the
# suite, the debootstrap arguments, packages.txt and rootfs-setup.sh (the steps
# run inside the new rootfs): editing any of them rebuilds. A build happens in
# a temporary sibling directory that is renamed only when it is complete, so an
# interrupted build never leaves a half cache behind.

E2E_DIR=${E2E_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
E2E_CACHE_ROOT=${CONFINE_E2E_CACHE:-/var/cache/confine-e2e}
E2E_MIRROR=${CONFINE_E2E_MIRROR:-http://deb.debian.org/debian}
E2E_DEBOOTSTRAP_INCLUDE=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd

e2e_log() { printf '[e2e %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

e2e_suite_for_version() {
	case $1 in
		48) echo trixie ;;
		50) echo forky ;;
		51) echo sid ;;
		*) return 1 ;;
	esac
}

# Environment systemd-nspawn needs for a suite: systemd 258+ (forky, sid) has no
# cgroup-v1 support, so those containers get a pure cgroup2 hierarchy.
e2e_nspawn_env() {
	case $1 in
		trixie) ;;
		*) echo SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 ;;
	esac
}

e2e_cache_key() {
	local suite=$1
	{
		echo "suite=$suite"
		echo "debootstrap=$E2E_DEBOOTSTRAP_INCLUDE $E2E_MIRROR"
		cat "$E2E_DIR/packages.txt"
		cat "$E2E_DIR/lib/rootfs-setup.sh"
	} | sha256sum | cut -c1-16
}

# nspawn refuses to run when /run/systemd/nspawn is on the same (disk) file
# system as its propagation directory; a private tmpfs there fixes it. Whoever
# mounts it unmounts it (E2E_MOUNTED_NSPAWN_TMPFS tells run.sh's teardown).
e2e_prepare_nspawn() {
	mkdir -p /run/systemd/nspawn
	if ! mountpoint -q /run/systemd/nspawn; then
		mount -t tmpfs -o mode=0755 tmpfs /run/systemd/nspawn
		E2E_MOUNTED_NSPAWN_TMPFS=1
	fi
}

# Runs a command inside a (non-booted) rootfs.
e2e_nspawn_run() {
	local suite=$1 dir=$2
	shift 2
	# shellcheck disable=SC2046
	env $(e2e_nspawn_env "$suite") systemd-nspawn -q --keep-unit --register=no \
		--resolv-conf=replace-host --timezone=off --console=pipe \
		--setenv=DEBIAN_FRONTEND=noninteractive -D "$dir" "$@" </dev/null
}

e2e_umount_below() {
	local dir=$1 m
	# Deepest first; debootstrap leaves /proc and /sys mounted when interrupted.
	for m in $(findmnt -rn -o TARGET | grep -F "$dir/" | sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
}

e2e_build_rootfs() {
	local suite=$1 tmp=$2 script pkg
	local -a required=() optional=()
	while read -r pkg; do
		pkg=${pkg%%#*}
		pkg=${pkg//[[:space:]]/}
		[[ -z $pkg ]] && continue
		if [[ $pkg == \?* ]]; then optional+=("${pkg#\?}"); else required+=("$pkg"); fi
	done <"$E2E_DIR/packages.txt"

	script=/usr/share/debootstrap/scripts/$suite
	[[ -e $script ]] || script=/usr/share/debootstrap/scripts/sid # forky on an older debootstrap
	e2e_log "$suite: debootstrap"
	debootstrap --variant=minbase \
		--include="$E2E_DEBOOTSTRAP_INCLUDE" \
		"$suite" "$tmp" "$E2E_MIRROR" "$script" >"$tmp.debootstrap.log" 2>&1 || {
		tail -n 30 "$tmp.debootstrap.log" >&2
		return 1
	}
	rm -f "$tmp.debootstrap.log"

	# The sid mirror's Release file can be past its Valid-Until date.
	echo 'Acquire::Check-Valid-Until "false";' >"$tmp/etc/apt/apt.conf.d/99confine-e2e"

	e2e_log "$suite: apt-get install ${#required[@]} packages (+${#optional[@]} optional where available)"
	mkdir -p "$tmp/etc/confine-e2e"
	printf '%s\n' "${required[@]}" >"$tmp/etc/confine-e2e/required"
	printf '%s\n' "${optional[@]}" >"$tmp/etc/confine-e2e/optional"
	e2e_nspawn_run "$suite" "$tmp" --bind-ro="$E2E_DIR/lib/rootfs-setup.sh:/run/confine-e2e-setup.sh" \
		/bin/bash -euo pipefail /run/confine-e2e-setup.sh || return 1
	if [[ -s $tmp/etc/confine-e2e/skipped-packages ]]; then
		e2e_log "$suite: optional packages skipped: $(paste -sd, "$tmp/etc/confine-e2e/skipped-packages")"
	fi
}

# Prints the path of the ready rootfs for a suite, building it when missing.
e2e_rootfs() {
	local suite=$1 key dir tmp start rc
	key=$(e2e_cache_key "$suite")
	dir=$E2E_CACHE_ROOT/$suite-$key
	mkdir -p "$E2E_CACHE_ROOT"
	# One builder per suite at a time; a second run waits and then reuses.
	exec {lockfd}>"$E2E_CACHE_ROOT/.lock-$suite"
	flock "$lockfd"
	if [[ -d $dir ]]; then
		e2e_log "$suite: reusing cached rootfs $dir"
		flock -u "$lockfd"
		exec {lockfd}>&-
		echo "$dir"
		return 0
	fi
	e2e_prepare_nspawn
	tmp=$E2E_CACHE_ROOT/.build-$suite-$key-$$
	start=$(date +%s)
	e2e_log "$suite: cold build into $tmp"
	(
		trap 'e2e_umount_below "$tmp"; rm -rf --one-file-system "$tmp" "$tmp.debootstrap.log"' EXIT
		trap 'exit 143' TERM INT
		e2e_build_rootfs "$suite" "$tmp" || exit 1
		mv -T "$tmp" "$dir"
	)
	rc=$?
	if ((rc == 0)); then
		e2e_log "$suite: cold build took $(($(date +%s) - start)) s ($(du -sh "$dir" | cut -f1))"
		# Older caches of the same suite are dead weight now.
		find "$E2E_CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d -name "$suite-*" ! -path "$dir" \
			-exec rm -rf --one-file-system {} + 2>/dev/null || true
	else
		e2e_log "$suite: cold build FAILED after $(($(date +%s) - start)) s"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
	((rc == 0)) && echo "$dir"
	return "$rc"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -uo pipefail
	[[ $EUID -eq 0 ]] || { echo "rootfs.sh: needs root" >&2; exit 2; }
	# shellcheck disable=SC2068
	for v in ${@:-48 50 51}; do
		e2e_rootfs "$(e2e_suite_for_version "$v")" || exit 1
	done
fi
