# shellcheck shell=bash
# Runs inside a copy of the GNOME 48 e2e rootfs (systemd-nspawn, not booted) and
# turns it into the real-kernel VM image. Part of the image's cache key.
set -euo pipefail

apt-get update -qq
# The kernel (and its initrd, made by initramfs-tools), udev for the virtio
# devices, what the agent and the test apps run on, and gdb for the backtraces of
# a shell that stops answering (test/e2e/lib/runner.mjs).
apt-get install -y -qq --no-install-recommends linux-image-amd64 initramfs-tools udev kmod \
	python3 util-linux iproute2 gdb >/var/log/confine-vm-apt.log 2>&1 ||
	{ tail -n 40 /var/log/confine-vm-apt.log; exit 1; }
apt-get clean
rm -rf /var/lib/apt/lists/*

echo confine-vm >/etc/hostname
echo '/dev/vda / ext4 rw,relatime 0 1' >/etc/fstab

# The agent the host drives the VM with (see agent.py).
install -D -m 0755 /run/confine-vm/agent.py /usr/local/lib/confine-vm/agent.py
cat >/etc/systemd/system/confine-vm-agent.service <<'UNIT'
[Unit]
Description=Confine VM test agent (virtio port org.confine.agent)
After=systemd-udevd.service systemd-user-sessions.service

[Service]
ExecStart=/usr/local/lib/confine-vm/agent.py
Restart=always
RestartSec=1
# The agent itself must survive the memory scenarios.
OOMScoreAdjust=-1000

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable confine-vm-agent.service >/dev/null 2>&1

# No login prompt on the serial console (it is the boot log), no fsck of the
# throw-away disk, and no timers that would wake up during measurements.
systemctl mask serial-getty@ttyS0.service getty@tty1.service systemd-fsck-root.service \
	man-db.timer logrotate.timer >/dev/null 2>&1 || true

ls /boot/vmlinuz-* /boot/initrd.img-* >/dev/null
