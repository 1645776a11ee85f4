#!/usr/bin/env bash
# Regenerates kmodaudit's embedded export database (data/export-db.bin.br) from Debian's kernel
# headers packages.
#
# Usage: scripts/gen-export-db.sh [--offline] [--fresh]
#   --offline  reuse the Module.symvers files already extracted into the work directory (and the
#              date of the run that extracted them)
#   --fresh    start from nothing instead of from the releases of the current database
#
# Inputs: the Module.symvers of every linux-headers-<abi>-<flavour> package that Debian's
# package indexes list for
#   suites         bullseye bullseye-updates bullseye-security    (Debian 11: 5.10, 6.1.0-0.deb11.N)
#                  bookworm bookworm-updates bookworm-backports bookworm-security
#                  trixie trixie-updates trixie-backports trixie-security
#                  forky sid experimental                      ($SUITES, $SECURITY_SUITES)
#                  bullseye-backports, from the archive mirror                ($ARCHIVE_SUITES)
#   architectures  amd64 i386 arm64 s390x ppc64el armhf                      ($ARCHES)
#   flavours       amd64 cloud-amd64 rt-amd64 686 686-pae rt-686-pae arm64 arm64-16k cloud-arm64
#                  rt-arm64 s390x powerpc64le powerpc64le-64k armmp armmp-lpae rt-armmp ($FLAVOURS)
# at the newest version the indexes offer for each package name (one ABI = one package name, and
# Debian keeps a package's exports stable within its ABI). A package name is
# <upstream>[-<abi>[.deb11.<n>]|+<tag>]-<flavour>, or <major>.<minor>-<flavour> for experimental's
# release candidates (linux-headers-7.3-amd64, 7.3~rc7-1~exp1); the version-less names are also
# those of meta packages in other suites (linux-headers-6.1-amd64), which hold no Module.symvers
# and are passed over. The release of each table is the package name without linux-headers- (its
# /usr/src/linux-headers-<release> directory), which is what `uname -r` and every module's vermagic
# say; include/config/kernel.release is no use, as the 6.1 packages put the upstream version there.
# An index or a package the mirrors cannot serve is skipped with a warning, so what is fetched is
# whatever the mirrors have.
#
# The database only grows: Debian's indexes list just the newest ABIs of each suite, so the
# releases of the current data/export-db.bin.br that they no longer list are kept (users still
# run those kernels), and the ones they list are added or taken afresh. data/export-db.sources.tsv
# records every release that went in (name, package, version, sha256 of the Module.symvers) and
# the generation date, which is the day the indexes were read, also in the database's header.
# The same database, files and date always give the same bytes.
#
# The mirror is the machine's own Debian mirror (as scripts/fetch-corpus.sh uses), or
# $KMODAUDIT_DEBIAN_MIRROR; the security suites come from the debian-security beside it, or
# $KMODAUDIT_DEBIAN_SECURITY_MIRROR; the suites Debian has moved off its mirrors (bullseye-backports)
# from $KMODAUDIT_DEBIAN_ARCHIVE_MIRROR (default http://archive.debian.org/debian), whose Release
# files have expired, so their dates are not checked. Package indexes and downloads live in private
# apt directories under $KMODAUDIT_EXPORT_DB_WORK (default ~/.cache/kmodaudit/export-db): the
# machine's apt configuration is neither read for packages nor changed. Needs apt-get, dpkg-deb and
# node; no root.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
work=${KMODAUDIT_EXPORT_DB_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodaudit/export-db}
SUITES=${SUITES:-"bullseye bullseye-updates bookworm bookworm-updates bookworm-backports trixie trixie-updates trixie-backports forky sid experimental"}
SECURITY_SUITES=${SECURITY_SUITES:-"bullseye-security bookworm-security trixie-security"}
ARCHIVE_SUITES=${ARCHIVE_SUITES:-"bullseye-backports"}
ARCHES=${ARCHES:-"amd64 i386 arm64 s390x ppc64el armhf"}
FLAVOURS=${FLAVOURS:-"amd64 cloud-amd64 rt-amd64 686 686-pae rt-686-pae arm64 arm64-16k cloud-arm64 rt-arm64 s390x powerpc64le powerpc64le-64k armmp armmp-lpae rt-armmp"}
offline=0 fresh=0
for arg in "$@"; do
  case $arg in
    --offline) offline=1 ;;
    --fresh) fresh=1 ;;
    *) echo "usage: scripts/gen-export-db.sh [--offline] [--fresh]" >&2; exit 2 ;;
  esac
done

mkdir -p "$work/symvers"
work=$(cd "$work" && pwd)

mirror() {
  [ -n "${KMODAUDIT_DEBIAN_MIRROR:-}" ] && { echo "$KMODAUDIT_DEBIAN_MIRROR"; return; }
  local uri
  uri=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
          grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}') | grep -v security | head -1 || true)
  [ -n "$uri" ] || { echo "gen-export-db: no Debian mirror configured in apt (set KMODAUDIT_DEBIAN_MIRROR)" >&2; exit 1; }
  echo "$uri"
}

# One private apt root per architecture: a foreign index the mirror fails to serve then costs only
# that architecture's packages from that suite, not the whole update.
apt_root() {  # apt_root ARCH -> prints the apt options for that root, after creating and updating it
  local arch=$1 root=$work/apt/$1 base security archive stanza
  base=$(mirror)
  security=${KMODAUDIT_DEBIAN_SECURITY_MIRROR:-${base%/debian}/debian-security}
  archive=${KMODAUDIT_DEBIAN_ARCHIVE_MIRROR:-http://archive.debian.org/debian}
  mkdir -p "$root/etc/apt/sources.list.d" "$root/etc/apt/apt.conf.d" "$root/etc/apt/preferences.d" \
    "$root/var/lib/apt/lists/partial" "$root/var/cache/apt/archives/partial" "$root/var/lib/dpkg"
  : > "$root/var/lib/dpkg/status"
  stanza='Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n%s\n'
  # shellcheck disable=SC2059
  { printf "$stanza" "$base" "$SUITES" ""
    printf "$stanza" "$security" "$SECURITY_SUITES" ""
    [ -z "$ARCHIVE_SUITES" ] || printf "$stanza" "$archive" "$ARCHIVE_SUITES" "Check-Valid-Until: no"
  } > "$root/etc/apt/sources.list.d/debian.sources"
  echo "-o Dir=$root -o Dir::State::status=$root/var/lib/dpkg/status -o APT::Architecture=$arch -o APT::Architectures=$arch -o Acquire::Languages=none -o Debug::NoLocking=1 -o Acquire::Retries=3 -o APT::Sandbox::User=root"
}

fetch_arch() {  # fetch_arch ARCH: extract the Module.symvers of every wanted headers package
  local arch=$1 opts pkgs=() flavour_re
  opts=$(apt_root "$arch")
  # shellcheck disable=SC2086
  apt-get $opts update -qq 2>&1 | grep -E '^(E|Err|W: Failed to fetch)' | sed "s/^/gen-export-db: $arch: (skipped) /" >&2 || true
  flavour_re=$(echo "$FLAVOURS" | tr ' ' '|')
  # shellcheck disable=SC2086
  # <upstream>[-<abi>[.deb11.<n>]|+<debian tag>]-<flavour>, or <major>.<minor>-<flavour>: experimental's
  # release candidates, or a meta package (weeded out below, as it has no Module.symvers).
  mapfile -t pkgs < <(apt-cache $opts search --names-only "^linux-headers-" | awk '{print $1}' |
    grep -E "^linux-headers-[0-9]+\.[0-9]+(\.[0-9]+(-[0-9]+(\.deb[0-9]+\.[0-9]+)?|\+[a-z0-9.]+)?)?-($flavour_re)\$" |
    sort -u)
  [ ${#pkgs[@]} -gt 0 ] || { echo "gen-export-db: $arch: no headers packages" >&2; return 0; }
  mkdir -p "$work/debs/$arch"
  # A package the mirror lists but cannot serve (404) is skipped below, like an index it cannot serve.
  # shellcheck disable=SC2086
  (cd "$work/debs/$arch" && apt-get $opts download -qq "${pkgs[@]}" 2>&1) |
    sed "s/^/gen-export-db: $arch: (skipped) /" >&2 || true
  local got=0 meta=0
  for p in "${pkgs[@]}"; do
    local deb version dir release
    # The newest version apt chose; older ones from an earlier run are left in the cache, unused.
    # shellcheck disable=SC2086
    version=$(apt-cache $opts policy "$p" | awk '/Candidate:/ {print $2}')
    deb=$(ls "$work/debs/$arch/${p}_${version//:/%3a}_"*.deb 2>/dev/null) || continue
    dir=$(mktemp -d "$work/x.XXXXXX")
    release=${p#linux-headers-}
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$dir" "./usr/src/$p/Module.symvers" 2>/dev/null; then
      rm -rf "$dir"
      meta=$((meta + 1))
      continue
    fi
    mv "$dir"/usr/src/"$p"/Module.symvers "$work/symvers/$release.symvers"
    printf '%s\t%s\t%s\t%s\n' "$release" "$p" "$version" "$arch" > "$work/symvers/$release.package"
    rm -rf "$dir"
    got=$((got + 1))
  done
  echo "gen-export-db: $arch: $got of ${#pkgs[@]} packages ($meta meta packages without a Module.symvers)"
}

if [ $offline = 0 ]; then
  # Only what this run selects goes in: a package the mirror dropped must not linger.
  rm -rf "$work/symvers"; mkdir -p "$work/symvers"
  date -u +%s > "$work/symvers/SOURCE_DATE_EPOCH"
  for a in $ARCHES; do fetch_arch "$a"; done
fi
# The generation date is the day the indexes were read, so --offline rebuilds the same bytes.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(cat "$work/symvers/SOURCE_DATE_EPOCH" 2>/dev/null || date -u +%s)}
export SOURCE_DATE_EPOCH
base=(--base "$repo/data")
[ $fresh = 1 ] && base=()
# The base is decoded by the library's own reader.
[ $fresh = 1 ] || [ -f "$repo/dist/resolve/embedded-db.js" ] || (cd "$repo" && npm run build)
node "$repo/scripts/gen-export-db.mjs" "$work/symvers" "$repo/data" "${base[@]}"
