#!/usr/bin/env bash
# Fetch real kernel module trees and vendor driver blobs from Debian's packages, for kmodaudit's
# integration tests and benchmarks.
#
# Usage: scripts/fetch-corpus.sh [SET...]
#   amd64    Linux 6.1 amd64: ~4,000 plain .ko (ELF64 little-endian)
#   amd64xz  Linux 6.12 amd64: ~4,200 .ko.xz
#   i386     Linux 6.1 686-pae: ELF32 little-endian
#   s390x    Linux 6.1 s390x: ELF64 big-endian
#   blobs    NVIDIA nv-kernel.o_binary / nv-modeset-kernel.o_binary, Broadcom wlc_hybrid.o_*
#   Default: all sets.
#
# The cache directory is $KMODAUDIT_CORPUS (default ~/.cache/kmodaudit/corpus), outside the
# repository. Each kernel set becomes SET/modules (the tree, as /lib/modules/<ver>) and
# SET/Module.symvers (from the matching headers package); blobs land in blobs/. A set already
# fetched is skipped, so this is cheap to run before every test run. Installing packages and
# adding the i386/s390x architectures needs root on Debian 12 (bookworm); the versions are the
# newest the archive has, so tests derive every expected value from the files themselves.
set -euo pipefail

dir=${KMODAUDIT_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodaudit/corpus}
sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(amd64 amd64xz i386 s390x blobs)
mkdir -p "$dir/debs"
dir=$(cd "$dir" && pwd)

all_done=1
for s in "${sets[@]}"; do [ -f "$dir/$s/.done" ] || all_done=0; done
if [ $all_done = 1 ]; then echo "corpus: $dir (cached: ${sets[*]})"; exit 0; fi

[ "$(id -u)" = 0 ] || { echo "fetch-corpus: needs root to use apt (or set KMODAUDIT_CORPUS to a fetched corpus)" >&2; exit 1; }

apt_ready() {
  [ -f "$dir/.apt-ready" ] && [ -f /etc/apt/sources.list.d/kmodaudit-nonfree.sources ] && return
  # The vendor blobs are in contrib/non-free; reuse the machine's own Debian mirror for them.
  local uri
  uri=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
          grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}') | grep -v security | head -1 || true)
  [ -n "$uri" ] || { echo "fetch-corpus: no Debian mirror configured in apt" >&2; exit 1; }
  printf 'Types: deb\nURIs: %s\nSuites: bookworm\nComponents: contrib non-free\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$uri" > /etc/apt/sources.list.d/kmodaudit-nonfree.sources
  dpkg --add-architecture i386
  dpkg --add-architecture s390x
  # A foreign-architecture index that fails to load (a mirror mid-sync) must not stop the rest.
  apt-get update -qq || true
  touch "$dir/.apt-ready"
}

# Newest package whose name matches an extended regex.
newest() { apt-cache search --names-only "$1" | awk '{print $1}' | sort -V | tail -1; }

download() {  # download PKG... into debs/ and print the .deb paths
  (cd "$dir/debs" && { apt-get download -qq "$@" >/dev/null 2>&1 || apt-get download "$@"; })
  for p in "$@"; do ls "$dir/debs/${p%%:*}"_*.deb; done
}

kernel_set() {  # kernel_set SET IMAGE_REGEX ARCH_SUFFIX
  local set=$1 image_re=$2 arch=$3
  [ -f "$dir/$set/.done" ] && { echo "$set: cached"; return; }
  apt_ready
  local image; image=$(newest "$image_re")
  [ -n "$image" ] || { echo "$set: no package matches $image_re" >&2; return 1; }
  # linux-image-<abi>-<flavour>[-unsigned] -> linux-headers-<abi>-<flavour> and -common
  local headers=${image/linux-image-/linux-headers-}; headers=${headers%-unsigned}
  local common; common=$(echo "$headers" | sed -E 's/-(amd64|686-pae|s390x)$/-common/')
  rm -rf "$dir/$set.tmp"; mkdir -p "$dir/$set.tmp"
  for deb in $(download "$image$arch" "$headers$arch" "$common"); do dpkg-deb -x "$deb" "$dir/$set.tmp"; done
  local tree symvers
  tree=$(ls -d "$dir/$set.tmp"/lib/modules/*/ | head -1)
  symvers=$(ls "$dir/$set.tmp"/usr/src/"$headers"/Module.symvers)
  rm -rf "$dir/$set"; mkdir -p "$dir/$set"
  mv "$dir/$set.tmp" "$dir/$set/root"
  ln -s "root/${tree#"$dir/$set.tmp/"}" "$dir/$set/modules"
  ln -s "root/${symvers#"$dir/$set.tmp/"}" "$dir/$set/Module.symvers"
  echo "$image" > "$dir/$set/.done"
  echo "$set: $image, $(find -L "$dir/$set/modules" -name '*.ko*' | wc -l) modules"
}

blobs_set() {
  [ -f "$dir/blobs/.done" ] && { echo "blobs: cached"; return; }
  apt_ready
  rm -rf "$dir/blobs.tmp" "$dir/blobs"; mkdir -p "$dir/blobs.tmp" "$dir/blobs"
  for deb in $(download nvidia-kernel-dkms broadcom-sta-dkms); do dpkg-deb -x "$deb" "$dir/blobs.tmp"; done
  find "$dir/blobs.tmp" -type f \( -name '*.o_binary' -o -name 'wlc_hybrid.o_*' \) -exec cp {} "$dir/blobs/" \;
  rm -rf "$dir/blobs.tmp"
  touch "$dir/blobs/.done"
  echo "blobs: $(ls "$dir/blobs" | tr '\n' ' ')"
}

for s in "${sets[@]}"; do
  case $s in
    amd64)   kernel_set amd64   '^linux-image-6\.1\.0-[0-9]+-amd64-unsigned$' '' ;;
    amd64xz) kernel_set amd64xz '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' '' ;;
    i386)    kernel_set i386    '^linux-image-6\.1\.0-[0-9]+-686-pae-unsigned$' ':i386' ;;
    s390x)   kernel_set s390x   '^linux-image-6\.1\.0-[0-9]+-s390x$' ':s390x' ;;
    blobs)   blobs_set ;;
    *) echo "unknown set: $s" >&2; exit 2 ;;
  esac
done
echo "corpus: $dir"
