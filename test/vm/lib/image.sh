# shellcheck shell=bash
# Builds (or reuses) the real-kernel VM image: kernel, initrd and an ext4 disk
# image made from the GNOME 48 e2e rootfs (Debian trixie) plus a kernel and the
# test agent.
#
# Sourced by test/vm/run.sh; also runnable on its own to pre-build the cache:
#   sudo bash test/vm/lib/image.sh
#
# The cache lives in /var/cache/confine-vm/<key>/ with vmlinuz, initrd.img and
# rootfs.img. <key> hashes the e2e rootfs's own key with image-setup.sh and
# agent.py, so editing any of them (or the e2e package list) rebuilds. Built in
# a temporary sibling, renamed when complete.

VM_LIB_DIR=${VM_LIB_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}
VM_CACHE_ROOT=${CONFINE_VM_CACHE:-/var/cache/confine-vm}
VM_SUITE=trixie
VM_GNOME_VERSION=48
VM_IMAGE_SIZE=${CONFINE_VM_IMAGE_SIZE:-6G}

E2E_DIR=${E2E_DIR:-$(cd "$VM_LIB_DIR/../../e2e" && pwd)}
# shellcheck source=../../e2e/lib/rootfs.sh
source "$E2E_DIR/lib/rootfs.sh"

vm_log() { printf '[vm %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

vm_image_key() {
	{
		echo "rootfs=$(e2e_cache_key "$VM_SUITE")"
		echo "size=$VM_IMAGE_SIZE"
		cat "$VM_LIB_DIR/image-setup.sh" "$VM_LIB_DIR/agent.py"
	} | sha256sum | cut -c1-16
}

vm_build_image() {
	local rootfs=$1 tmp=$2 tree=$2/tree
	mkdir -p "$tree"
	vm_log "copying the $VM_SUITE e2e rootfs"
	cp -a "$rootfs/." "$tree/"
	mkdir -p "$tmp/setup"
	cp "$VM_LIB_DIR/image-setup.sh" "$VM_LIB_DIR/agent.py" "$tmp/setup/"
	vm_log "installing the kernel and the agent"
	e2e_nspawn_run "$VM_SUITE" "$tree" --bind-ro="$tmp/setup:/run/confine-vm" \
		/bin/bash -euo pipefail /run/confine-vm/image-setup.sh || return 1
	cp "$(ls "$tree"/boot/vmlinuz-* | sort -V | tail -n 1)" "$tmp/vmlinuz"
	cp "$(ls "$tree"/boot/initrd.img-* | sort -V | tail -n 1)" "$tmp/initrd.img"
	vm_log "making the $VM_IMAGE_SIZE ext4 image"
	mkfs.ext4 -q -F -L confine-vm -d "$tree" "$tmp/rootfs.img" "$VM_IMAGE_SIZE" || return 1
	rm -rf --one-file-system "$tree" "$tmp/setup"
}

# Prints the directory of the ready image, building it when missing.
vm_image() {
	local key dir tmp start rc rootfs lockfd
	command -v mkfs.ext4 >/dev/null || { vm_log "mkfs.ext4 is missing (Debian: e2fsprogs)"; return 1; }
	rootfs=$(e2e_rootfs "$VM_SUITE") || { vm_log "the $VM_SUITE e2e rootfs did not build"; return 1; }
	key=$(vm_image_key)
	dir=$VM_CACHE_ROOT/$key
	mkdir -p "$VM_CACHE_ROOT"
	exec {lockfd}>"$VM_CACHE_ROOT/.lock"
	flock "$lockfd"
	if [[ -f $dir/rootfs.img ]]; then
		vm_log "reusing cached image $dir"
		flock -u "$lockfd"
		exec {lockfd}>&-
		echo "$dir"
		return 0
	fi
	e2e_prepare_nspawn
	tmp=$VM_CACHE_ROOT/.build-$key-$$
	start=$(date +%s)
	vm_log "cold image build into $tmp"
	# Everything the build prints goes to stderr: stdout is the image's path.
	(
		trap 'e2e_umount_below "$tmp/tree"; rm -rf --one-file-system "$tmp"' EXIT
		trap 'exit 143' TERM INT
		vm_build_image "$rootfs" "$tmp" || exit 1
		mv -T "$tmp" "$dir"
	) >&2
	rc=$?
	if ((rc == 0)); then
		vm_log "cold image build took $(($(date +%s) - start)) s ($(du -sh "$dir" | cut -f1) on disk)"
		find "$VM_CACHE_ROOT" -mindepth 1 -maxdepth 1 -type d ! -path "$dir" \
			-exec rm -rf --one-file-system {} + 2>/dev/null || true
	else
		vm_log "cold image build FAILED after $(($(date +%s) - start)) s"
	fi
	flock -u "$lockfd"
	exec {lockfd}>&-
	((rc == 0)) && echo "$dir"
	return "$rc"
}

if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
	set -uo pipefail
	[[ $EUID -eq 0 ]] || { echo "image.sh: needs root" >&2; exit 2; }
	vm_image
fi
