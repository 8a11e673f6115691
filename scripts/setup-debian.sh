#!/usr/bin/env bash
# Installs the Debian packages walt-bench needs. As root, or as a user who may sudo/su (it elevates itself).
#   scripts/setup-debian.sh          what the app needs at run time (Electron's libraries, udev, util-linux)
#   scripts/setup-debian.sh --test   also what the test suite and the benchmarks use (zram cards, compressors,
#                                    mkfs, headless Chromium for the UI tests)
set -euo pipefail

# Node is the user's (root's PATH after sudo may not have it): checked once, before elevating.
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ -z "${WB_NODE_CHECKED:-}" ] && [ "$node_major" -lt 20 ]; then
  echo "setup-debian.sh: walt-bench needs Node.js >= 20 with npm >= 10 (found: $(node -v 2>/dev/null || echo none))." >&2
  echo "  Debian 12 ships Node 18: install Node 20 from nodejs.org or your distribution's backports first." >&2
  exit 1
fi

# Root installs directly (a root shell often has no sudo at all); a normal user is asked for a password once, through
# sudo when it is there, else su.
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    exec sudo env WB_NODE_CHECKED=1 bash "$0" "$@"
  elif command -v su >/dev/null 2>&1; then
    echo "setup-debian.sh: installing Debian packages needs root: su asks for root's password" >&2
    exec su root -c "WB_NODE_CHECKED=1 bash '$0' $*"
  fi
  echo "setup-debian.sh: run me as root (neither sudo nor su is installed): bash scripts/setup-debian.sh ${1:-}" >&2
  exit 1
fi

app_packages=(
  udev util-linux             # udevadm (serial ports), lsblk/blockdev/umount (drives)
  python3 make g++            # native modules (drivelist, serialport, direct-io) build if no prebuild fits
  libgtk-3-0 libnss3 libgbm1 libasound2 libxss1 libxtst6 libnotify4 libsecret-1-0  # Electron's runtime
  policykit-1                 # pkexec: the privileged helper for raw writes
  iproute2 tcpdump            # the desk link: interface addresses, passive DHCP observation
)
test_packages=(
  gzip xz-utils bzip2 zip unzip   # compressed test images
  e2fsprogs dosfstools            # mkfs for the "image on its own card" refusal
  kmod                            # modprobe zram
  chromium                        # the UI tests drive Debian's Chromium with playwright-core
  mtools fdisk                    # independent checks of built FAT cards (mdir, mcopy, sfdisk)
  qemu-system-arm qemu-system-x86 u-boot-qemu u-boot-tools ipxe-qemu ipxe   # real bootloaders as boards (ipxe: ipxe.lkrn)
  socat dnsmasq curl              # serial cables (ptys), a reference DHCP/TFTP server, a TFTP client
  bmap-tools gdisk                # bmaptool (the peer and bmap files of the sparse-write tests), sgdisk (GPT fixtures)
)

packages=("${app_packages[@]}")
if [ "${1:-}" = "--test" ]; then packages+=("${test_packages[@]}"); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ "${1:-}" = "--test" ] && [ ! -e /sys/class/zram-control/hot_add ]; then
  modprobe zram num_devices=1 || echo "setup-debian.sh: zram is not available: the card tests will be skipped" >&2
fi
echo "setup-debian.sh: Debian packages ready"
