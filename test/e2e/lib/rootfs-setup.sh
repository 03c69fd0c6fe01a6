# shellcheck shell=bash
# Runs inside a freshly debootstrapped rootfs (systemd-nspawn, not booted) and
# turns it into the e2e image. Part of the cache key: editing it rebuilds.
set -euo pipefail

apt-get update -qq
pkgs=$(cat /etc/confine-e2e/required)
: >/etc/confine-e2e/skipped-packages
for p in $(cat /etc/confine-e2e/optional); do
	# Optional means: installed where the suite has it AND it is co-installable
	# with the rest (forky's gnome-shell-extension-prefs 51~ breaks gnome-shell 50).
	# (Not "| grep -q": with pipefail, apt-cache's SIGPIPE would read as "missing".)
	candidate=$(apt-cache policy "$p" 2>/dev/null | sed -n 's/^ *Candidate: *//p')
	# shellcheck disable=SC2086
	if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] &&
		apt-get install -s -qq --no-install-recommends $pkgs "$p" >/dev/null 2>&1; then
		pkgs="$pkgs $p"
	else
		echo "$p ($([ -n "$candidate" ] && [ "$candidate" != "(none)" ] && echo "$candidate not installable" || echo "not in suite"))" \
			>>/etc/confine-e2e/skipped-packages
	fi
done
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $pkgs >/var/log/confine-e2e-apt.log 2>&1 ||
	{ tail -n 40 /var/log/confine-e2e-apt.log; exit 1; }
apt-get clean
rm -rf /var/lib/apt/lists/*

useradd --create-home --uid 1000 --shell /bin/bash tester
mkdir -p /var/lib/systemd/linger
touch /var/lib/systemd/linger/tester

# Nothing in the container needs these; they only slow the boot down.
for unit in systemd-timesyncd.service apt-daily.timer apt-daily-upgrade.timer \
	e2scrub_all.timer fstrim.timer dpkg-db-backup.timer; do
	systemctl mask "$unit" >/dev/null 2>&1 || true
done

dpkg-query -W -f='${Version}\n' gnome-shell >/etc/confine-e2e/gnome-shell-version
