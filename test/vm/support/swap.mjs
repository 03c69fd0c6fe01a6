// A zram swap device for the scenarios that need memory reclaimed into swap (an app's
// own memory can go nowhere else), and gone again afterwards.
//
// Resetting the device right after swapoff can fail with EBUSY: udev still probes the
// block device after the change swapoff announces (CI saw "echo: write error: Device or
// resource busy", and the next scenario's swap could not be set up). So the reset waits
// for udev and tries again for a few seconds.

const RESET = `for i in $(seq 1 50); do
    udevadm settle --timeout=2 2>/dev/null
    echo 1 > /sys/block/zram0/reset 2>/dev/null && exit 0
    sleep 0.1
done
echo "zram0 stayed busy" >&2; exit 1`;

/** Adds 1 GiB of zram swap; a device left set up by an earlier run is reset first. */
export async function swapOn(ctx) {
    await ctx.rootShOk('modprobe zram num_devices=1');
    await swapOff(ctx);
    await ctx.rootShOk('echo 1G > /sys/block/zram0/disksize && mkswap -q /dev/zram0 && swapon /dev/zram0');
}

/** Removes the zram swap, if any, and resets the device. */
export async function swapOff(ctx) {
    await ctx.rootShOk(`if grep -q zram0 /proc/swaps; then swapoff /dev/zram0; fi; ${RESET}`);
    await ctx.rootShOk('! grep -q zram /proc/swaps');
}
