#!/usr/bin/env bash
# Real-kernel tier: boots a Debian VM with its own kernel (qemu, software
# emulation) where cgroup v2 limits are enforced, starts a headless GNOME Shell
# 48 in it with the packed extension and the confine command installed, and runs
# test/vm/scenarios/*.mjs against its real user manager.
#
#   sudo npm run test:vm
#   CONFINE_E2E_ONLY=10 CONFINE_E2E_SKIP_BUILD=1 bash test/vm/run.sh   # one scenario file
#
# See test/vm/README.md.
set -uo pipefail

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$VM_DIR/../.." && pwd)
UUID=confine@confine.github.io
ZIP=$REPO_DIR/dist/$UUID.shell-extension.zip
VM_MEMORY_MB=${CONFINE_VM_MEMORY_MB:-4096}
VM_CPUS=${CONFINE_VM_CPUS:-2}
VM_ACCEL=${CONFINE_VM_ACCEL:-tcg,thread=multi}
# The whole run, boot included; qemu is killed after it whatever happens.
VM_TIMEOUT=${CONFINE_VM_TIMEOUT:-1800}

fail() { # fail <message>: one clear line, the closing count, exit 1
	vm_log "$1"
	echo "0 passed, 1 failed"
	exit 1
}

if [[ $EUID -ne 0 ]]; then
	echo "test/vm/run.sh must run as root (debootstrap, systemd-nspawn, mkfs.ext4)" >&2
	echo "0 passed, 1 failed"
	exit 2
fi

# shellcheck source=lib/image.sh
source "$VM_DIR/lib/image.sh"

command -v qemu-system-x86_64 >/dev/null ||
	fail "qemu-system-x86_64 is missing: apt-get install qemu-system-x86 (the real-kernel tier cannot run without it)"

# One VM at a time: it takes both cores of this machine.
exec {RUN_LOCK}>/run/lock/confine-vm-run.lock
if ! flock -n "$RUN_LOCK"; then
	vm_log "waiting for another VM run to finish"
	flock "$RUN_LOCK"
fi

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
ARTIFACTS=${CONFINE_VM_ARTIFACTS:-/tmp/confine-vm-artifacts/$STAMP}
WORK=$(mktemp -d /tmp/confine-vm-run.XXXXXX)
mkdir -p "$ARTIFACTS"
QEMU_PID=
RUNNER_PID=

teardown() {
	local rc=$?
	trap - EXIT INT TERM
	if [[ -n $RUNNER_PID ]] && kill -0 "$RUNNER_PID" 2>/dev/null; then
		kill "$RUNNER_PID" 2>/dev/null
		wait "$RUNNER_PID" 2>/dev/null
	fi
	if [[ -n $QEMU_PID ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
		# The disk is a snapshot: nothing in the VM needs an orderly shutdown.
		kill -TERM "$QEMU_PID" 2>/dev/null
		wait "$QEMU_PID" 2>/dev/null
	fi
	if [[ -n ${E2E_MOUNTED_NSPAWN_TMPFS:-} ]]; then
		umount /run/systemd/nspawn 2>/dev/null || umount -l /run/systemd/nspawn 2>/dev/null
	fi
	rm -rf --one-file-system "$WORK"
	return "$rc"
}
trap teardown EXIT
trap 'vm_log "interrupted"; exit 130' INT TERM

RUN_START=$SECONDS
if [[ ${CONFINE_E2E_SKIP_BUILD:-} != 1 ]]; then
	vm_log "npm run build"
	(cd "$REPO_DIR" && npm run build --silent) || fail "npm run build failed"
fi
[[ -f $ZIP && -f $REPO_DIR/dist/cli/confine ]] || fail "missing $ZIP or dist/cli/confine (run npm run build)"

IMAGE_START=$SECONDS
IMAGE=$(vm_image) || fail "the VM image did not build (see the lines above)"
vm_log "image ready in $((SECONDS - IMAGE_START)) s: $IMAGE"

# Boots the VM and runs the scenarios in it; sets PASSED and FAILED. Returns 2 when
# the guest kernel panicked (before the VM came up or during a scenario).
boot_and_run() {
	local serial=$1
	BOOT_START=$SECONDS
	vm_log "booting the VM: $VM_CPUS CPUs, $VM_MEMORY_MB MiB, kernel $(basename "$(readlink -f "$IMAGE/vmlinuz")")"
	rm -f "$WORK/agent.sock" "$WORK/results.json"
	# KVM does not work on this machine kind (see shared/notes/real-kernel-testing.md): TCG.
	# snapshot=on: every write goes to a temporary overlay, the cached image stays as built.
	timeout -k 15 "$VM_TIMEOUT" qemu-system-x86_64 -accel "$VM_ACCEL" -cpu qemu64 -smp "$VM_CPUS" -m "$VM_MEMORY_MB" \
		-nodefaults -display none -no-reboot -nic none \
		-kernel "$IMAGE/vmlinuz" -initrd "$IMAGE/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 systemd.unified_cgroup_hierarchy=1 panic=-1 net.ifnames=0" \
		-drive "file=$IMAGE/rootfs.img,format=raw,if=virtio,snapshot=on" \
		-device virtio-serial-pci \
		-chardev "socket,id=agent,path=$WORK/agent.sock,server=on,wait=off" \
		-device virtserialport,chardev=agent,name=org.confine.agent \
		-serial "file:$serial" </dev/null >"$ARTIFACTS/qemu.log" 2>&1 &
	QEMU_PID=$!
	for _ in $(seq 1 100); do
		[[ -S $WORK/agent.sock ]] && break
		kill -0 "$QEMU_PID" 2>/dev/null || break
		sleep 0.1
	done
	[[ -S $WORK/agent.sock ]] || fail "qemu did not start: $(tail -n 5 "$ARTIFACTS/qemu.log")"

	vm_log "agent socket: $WORK/agent.sock (node test/vm/lib/dev.mjs $WORK/agent.sock --sh CMD)"
	RESULTS=$WORK/results.json
	CONFINE_VM_BOOT_START=$BOOT_START node "$REPO_DIR/test/e2e/lib/runner.mjs" --version "$VM_GNOME_VERSION" --suite "$VM_SUITE" \
		--agent "$WORK/agent.sock" --scenarios "${CONFINE_VM_SCENARIOS:-$VM_DIR/scenarios}" \
		--zip "$ZIP" --artifacts "$ARTIFACTS" --results "$RESULTS" > >(tee "$ARTIFACTS/run.log") 2>&1 &
	RUNNER_PID=$!
	# A VM that dies (qemu error, kernel panic, the run's timeout) ends the run at
	# once instead of leaving the runner to wait for an agent that will not answer.
	while kill -0 "$RUNNER_PID" 2>/dev/null; do
		if ! kill -0 "$QEMU_PID" 2>/dev/null; then
			vm_log "qemu ended during the run: $(tail -n 3 "$ARTIFACTS/qemu.log"); serial log: $serial"
			kill "$RUNNER_PID" 2>/dev/null
			break
		fi
		sleep 1
	done
	wait "$RUNNER_PID"
	RUNNER_PID=
	if [[ -s $RESULTS ]]; then
		cp "$RESULTS" "$ARTIFACTS/results.json"
		read -r PASSED FAILED < <(node -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(r.passed, r.failed)' "$RESULTS")
	else
		PASSED=0 FAILED=1
	fi
	if ! kill -0 "$QEMU_PID" 2>/dev/null && grep -q 'Kernel panic' "$serial"; then
		return 2
	fi
	return 0
}

# Under multi-threaded TCG the guest kernel can take an "Oops: int3" while it patches its
# own code (twice in about 35 runs: once at boot, once during a scenario; an emulator
# fault, not ours). Then the VM boots once more and every scenario runs again; the first
# serial log and runner output stay.
if ! boot_and_run "$ARTIFACTS/serial.log"; then
	vm_log "the guest kernel panicked (see $ARTIFACTS/serial-panic.log): booting once more, every scenario runs again"
	mv "$ARTIFACTS/serial.log" "$ARTIFACTS/serial-panic.log"
	mv "$ARTIFACTS/run.log" "$ARTIFACTS/run-panic.log"
	boot_and_run "$ARTIFACTS/serial.log" || true
fi
if ! kill -0 "$QEMU_PID" 2>/dev/null; then
	vm_log "qemu had already ended: $(tail -n 3 "$ARTIFACTS/qemu.log")"
fi
echo
echo "real kernel (GNOME $VM_GNOME_VERSION, $VM_SUITE): image $((BOOT_START - IMAGE_START)) s, boot + scenarios $((SECONDS - BOOT_START)) s"
echo "artifacts: $ARTIFACTS"
echo "total time: $((SECONDS - RUN_START)) s"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
