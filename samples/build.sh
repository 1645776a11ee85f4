#!/usr/bin/env bash
# samples/build.sh - rebuild the kmodaudit sample kernel modules.
#
# Builds the small modules in samples/src/ against real Debian 6.1 amd64
# kernel headers (the newest linux-headers-6.1.0-N-amd64 apt knows about,
# or $KMODAUDIT_KVER if set, e.g. KMODAUDIT_KVER=6.1.0-56-amd64), then
# post-processes them and copies the results to samples/.
#
# Top of samples/ (sources in src/*.c, kbuild file src/Kbuild):
#
#   gpl_clean.ko           MODULE_LICENSE("GPL"); imports GPL-only
#                          debugfs_create_dir/debugfs_remove and plain
#                          _printk; exports kmodaudit_sample_add
#                          (EXPORT_SYMBOL), kmodaudit_sample_gpl_double
#                          (EXPORT_SYMBOL_GPL) and kmodaudit_sample_ns_negate
#                          (EXPORT_SYMBOL_NS_GPL, namespace KMODAUDIT_SAMPLE).
#   proprietary_gpl_use.ko single tag "Proprietary"; imports GPL-only
#                          debugfs_create_dir/debugfs_create_u32/debugfs_remove.
#   no_license.ko          no license tag at all; imports GPL-only ktime_get.
#   tags_disagree.ko       tags "GPL" then "Proprietary"; imports GPL-only
#                          kobject_create_and_add.
#   nul_trick.ko           "GPL\0for files in the \"GPL\" directory; ..."
#                          (the 2004 trick); imports GPL-only synchronize_rcu.
#                          Built as is.
#   dual_licensed.ko       "Dual BSD/GPL"; imports GPL-only debugfs ones.
#   signed_gpl.ko          "GPL"; imports GPL-only debugfs ones; signed with a
#                          throwaway key (CN "kmodaudit sample signing key")
#                          made by openssl in the temp dir (never kept).
#   vendor_glue.ko         "Proprietary"; composite module = glue_main.o +
#                          vendor_core.o, the GPL-only imports come from the
#                          blob.
#   vendor_blob.o_binary   vendor_core.o from that build: a kernel-flags ELF
#                          relocatable with no .modinfo that calls GPL-only
#                          debugfs_create_dir/debugfs_remove/ktime_get and
#                          plain _printk directly.
#   symvers-<release>.gz   the headers' Module.symvers (gzip -n), which
#                          kmodaudit picks up as the kernel's export table.
#
# Dependency scenarios, one subdirectory each (sources and kbuild file in
# src/<dir>/; each directory is one kbuild run, so modpost resolves the
# modules' imports of each other and writes their depends= tags; the
# namespace and depends scenarios get gpl_clean's Module.symvers through
# KBUILD_EXTRA_SYMBOLS):
#
#   shim/gpl_shim.ko       "GPL"; plain EXPORT_SYMBOL wrappers around GPL-only
#                          calls: shim_debugfs_dir -> debugfs_create_dir,
#                          shim_debugfs_remove -> debugfs_remove,
#                          shim_helper_indirect -> shim_internal_ktime (global,
#                          unexported, in .text.shim_internal) -> ktime_get;
#                          and shim_plain_add -> _printk only.
#   shim/proprietary_shim_user.ko   "Proprietary"; imports shim_debugfs_dir,
#                          shim_debugfs_remove, shim_plain_add; no GPL-only
#                          kernel import.
#   shim/proprietary_plain_user.ko  "Proprietary"; imports shim_plain_add only.
#   taint/proprietary_lib.ko   "Proprietary"; exports prop_lib_value.
#   taint/gpl_taint_user.ko    "GPL"; imports prop_lib_value and GPL-only
#                          debugfs_create_dir/debugfs_remove (Linux 5.9+
#                          refuses to load it).
#   taint/gpl_taint_info.ko    "GPL"; imports prop_lib_value and plain
#                          _printk (loads, inherits the proprietary taint).
#   dynamic/dyn_lookup.ko  "Proprietary"; imports __symbol_get/__symbol_put
#                          and register_kprobe/unregister_kprobe (kprobe on
#                          kallsyms_lookup_name to read its address).
#   namespace/ns_missing_import.ko  "GPL"; uses kmodaudit_sample_ns_negate
#                          (namespace KMODAUDIT_SAMPLE) with no import_ns tag.
#   namespace/ns_ok_import.ko       the same with import_ns=KMODAUDIT_SAMPLE.
#   depends/depends_edited.ko  "GPL"; imports kmodaudit_sample_add from
#                          gpl_clean but its depends tag says gpl_dirty.
#
# Broadcom's wl driver, built for real (wl/):
#
#   wl/wl_glue.o           the open glue of Debian's broadcom-sta-dkms (the
#                          package is fetched with apt-get download from
#                          non-free): `ld -r` of every object kbuild compiles
#                          for wl.ko (src/shared/linux_osl.o,
#                          src/wl/sys/wl_linux.o, wl_iw.o,
#                          wl_cfg80211_hybrid.o) WITHOUT the binary blob
#                          lib/wlc_hybrid.o_amd64 and without modpost's
#                          generated wl.mod.o; stripped with --strip-debug.
#                          The blob is not kept here: scripts/fetch-corpus.sh
#                          fetches it (this script checks that both are the
#                          same file when the corpus copy exists).
#   The linked wl.ko is ~7 MB stripped, too big for the repository; set
#   WL_OUT=<dir> to also get it (and a copy of wl_glue.o) in <dir>.
#
# Why the byte patches: 6.1's modpost refuses to produce exactly the modules
# we need as test input.  It errors on "GPL-incompatible module ... uses
# GPL-only symbol" (checking every license tag, not just the first), on a
# missing MODULE_LICENSE() and on "module uses symbol ... from namespace ...,
# but does not import it".  So those modules are built with GPL-compatible
# tags (or with MODULE_IMPORT_NS), and afterwards the string is rewritten
# inside .modinfo of the built .ko, the way a vendor could edit a binary:
# "license=Dual MIT/GPL\0" becomes "license=Proprietary\0" padded with NULs
# to the same length ("Dual MIT/GPL" is 12 chars, "Proprietary" 11), for
# no_license the whole "license=GPL" string and for ns_missing_import the
# whole "import_ns=KMODAUDIT_SAMPLE" string are overwritten with NULs, and
# depends_edited's "depends=gpl_clean" becomes "depends=gpl_dirty".
# Offsets and lengths do not change, so the ELF stays valid (empty strings
# in .modinfo are skipped by modinfo and by the kernel's get_modinfo()).
# The loader would still accept these files as far as those tags go (no
# checksum covers .modinfo); CRCs in __versions are untouched.  Modules
# modpost accepts as they are (e.g. proprietary_shim_user, which imports
# no GPL-only symbol) are not patched.
#
# Modules are stripped with `strip --strip-debug` (like INSTALL_MOD_STRIP=1),
# which keeps .symtab and the .rela* sections: kmodaudit reads the undefined
# symbols from .symtab and follows relocations for the shim analysis.  The
# signature is appended after stripping and patching.  Compilation uses
# -ffile-prefix-map so the temp dir path does not leak into the objects.
#
# Every output is checked before anything in samples/ is touched: ELF type
# and machine, license/depends/import_ns tags and vermagic (modinfo),
# GPL-only imports (readelf -sW against the headers' Module.symvers), that
# every import is exported by the kernel or by a sample module, each sample
# module's exports (its kbuild dir's Module.symvers), the relocations inside
# gpl_shim's exported functions (readelf -rW), and for wl that the glue
# defines every symbol the blob leaves undefined.
#
# Idempotent: files are only rewritten when their bytes change, and files
# this script used to produce but no longer does are removed.  The output is
# reproducible for a given headers package, compiler and broadcom-sta
# version; signed_gpl.ko is re-signed with a fresh key on every run, but the
# committed file is kept when everything except its signature is unchanged.
#
# Usage (as root on Debian 12 with contrib/non-free in apt's sources;
# installs what is missing):
#   bash samples/build.sh                       rebuild and update samples/
#   WL_OUT=/some/dir bash samples/build.sh      ... and put wl.ko in /some/dir
#   WL_OUT=/some/dir bash samples/build.sh --wl-only
#                     only build wl.ko and wl_glue.o into /some/dir, leaving
#                     samples/ alone (headers default to the release of the
#                     committed symvers-*.gz)
set -euo pipefail

SAMPLES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR="$SAMPLES_DIR/src"
SIGNER_CN="kmodaudit sample signing key"
WL_PKG=broadcom-sta-dkms
# Subdirectories of samples/ whose *.ko / *.o this script owns.
SCENARIOS=(shim taint dynamic namespace depends)
export LC_ALL=C

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

WL_ONLY=0
case "${1:-}" in
"") ;;
--wl-only) WL_ONLY=1 ;;
-h | --help)
	sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//'
	exit 0
	;;
*) die "unknown argument: $1 (see --help)" ;;
esac
if [ -n "${WL_OUT:-}" ]; then
	mkdir -p "$WL_OUT"
	WL_OUT=$(cd "$WL_OUT" && pwd)
fi
[ "$WL_ONLY" = 0 ] || [ -n "${WL_OUT:-}" ] || die "--wl-only needs WL_OUT=<dir>"

# ---------------------------------------------------------------- packages
APT_UPDATED=0
apt_update() {
	if [ "$APT_UPDATED" = 0 ]; then
		log "apt-get update"
		# Some indexes (e.g. a foreign-arch security index) may fail; that is fine.
		apt-get update || true
		APT_UPDATED=1
	fi
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null || true)" = installed ]
}

install_pkgs() {
	local missing=() p
	for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
	[ "${#missing[@]}" -eq 0 ] && return 0
	[ "$(id -u)" = 0 ] || die "need root to install: ${missing[*]}"
	log "installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
}

newest_headers() {
	apt-cache search --names-only '^linux-headers-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -1 | awk '{print $1}'
}

# In --wl-only mode, build against the kernel the committed samples describe.
if [ "$WL_ONLY" = 1 ] && [ -z "${KMODAUDIT_KVER:-}" ]; then
	for old in "$SAMPLES_DIR"/symvers-*.gz; do
		[ -e "$old" ] || continue
		old=${old##*/symvers-}
		KMODAUDIT_KVER=${old%.gz}
	done
fi

pick_headers() {
	if [ -n "${KMODAUDIT_KVER:-}" ]; then
		HDR_PKG="linux-headers-$KMODAUDIT_KVER"
	else
		HDR_PKG=$(newest_headers)
		if [ -z "$HDR_PKG" ]; then
			apt_update
			HDR_PKG=$(newest_headers)
		fi
		[ -n "$HDR_PKG" ] || die "apt knows no linux-headers-6.1.0-N-amd64 package (is this Debian 12?)"
	fi
}

# The headers pull gcc-12 (via linux-compiler-gcc-12-x86) and linux-kbuild-6.1
# (modpost, sign-file); kmod gives modinfo, openssl the throwaway key,
# binutils strip/readelf/nm/ld.
PKGS=(make gcc-12 binutils kmod openssl gzip)
pick_headers
if ! install_pkgs "$HDR_PKG" "${PKGS[@]}"; then
	# stale package lists: refresh, re-pick the newest headers, retry
	apt_update
	pick_headers
	install_pkgs "$HDR_PKG" "${PKGS[@]}"
fi
KVER=${HDR_PKG#linux-headers-}
log "kernel headers: $HDR_PKG"

# Guard against silently downgrading the committed samples: if a package
# index failed to load (e.g. bookworm-security during a mirror sync), apt may
# only know an older ABI than the one the samples were built with.
for old in "$SAMPLES_DIR"/symvers-*.gz; do
	[ -e "$old" ] || continue
	old=${old##*/symvers-}
	old=${old%.gz}
	if [ -z "${KMODAUDIT_KVER:-}" ] && [ "$old" != "$KVER" ] &&
		[ "$(printf '%s\n%s\n' "$old" "$KVER" | sort -V | tail -1)" = "$old" ]; then
		die "apt's newest headers ($KVER) are older than the committed samples ($old);" \
			"run apt-get update (is the security index loading?) or set KMODAUDIT_KVER=$KVER"
	fi
done

KDIR="/usr/src/linux-headers-$KVER"
[ -f "$KDIR/Module.symvers" ] || die "$KDIR/Module.symvers missing"
UTS=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$KDIR/include/generated/utsrelease.h")
[ "$UTS" = "$KVER" ] || die "UTS_RELEASE '$UTS' does not match package '$KVER'"
SIGN_FILE=""
for f in "$KDIR/scripts/sign-file" /usr/lib/linux-kbuild-6.1/scripts/sign-file; do
	if [ -x "$f" ]; then SIGN_FILE=$f; break; fi
done
[ -n "$SIGN_FILE" ] || die "scripts/sign-file not found (linux-kbuild-6.1)"

T=$(mktemp -d "${TMPDIR:-/tmp}/kmodaudit-samples.XXXXXX")
trap 'rm -rf "$T"' EXIT
B="$T/build"
OUT="$T/out"
mkdir -p "$B" "$OUT"

# ------------------------------------------------------------------ helpers
SYMVERS="$KDIR/Module.symvers"
# The kernel's exports plus those of the sample modules (filled in below):
# every import of every sample must be found here.
ALL_SYMVERS="$T/all.symvers"
cp "$SYMVERS" "$ALL_SYMVERS"

# section_range FILE SECTION -> "offset size" (decimal)
section_range() {
	local name type addr off size
	# "  [19] .modinfo  PROGBITS  0000000000000000 000203 0000c1 00 A 0 0 1"
	readelf -SW "$1" | sed -n 's/^ *\[ *[0-9]*\] *//p' |
		while read -r name type addr off size _; do
			# (no early break: keep readelf from dying of SIGPIPE under pipefail)
			if [ "$name" = "$2" ]; then
				echo "$((16#$off)) $((16#$size))"
			fi
		done
}

# patch_string FILE OLD NEW: overwrite the single NUL-terminated string OLD
# inside .modinfo with NEW padded with NULs to the same length.
patch_string() {
	local file=$1 old=$2 new=$3 hits off range mstart msize next
	[ "${#new}" -le "${#old}" ] || die "patch: '$new' longer than '$old'"
	hits=$(grep -obUaF -- "$old" "$file" | cut -d: -f1 || true)
	[ "$(printf '%s\n' "$hits" | grep -c .)" = 1 ] ||
		die "patch: expected exactly one '$old' in $file, found: ${hits:-none}"
	off=$hits
	next=$(od -An -tx1 -j $((off + ${#old})) -N1 "$file" | tr -d ' ')
	[ "$next" = 00 ] || die "patch: '$old' in $file is not NUL-terminated"
	range=$(section_range "$file" .modinfo)
	read -r mstart msize <<<"$range"
	[ "$off" -ge "$mstart" ] && [ $((off + ${#old})) -lt $((mstart + msize)) ] ||
		die "patch: '$old' in $file lies outside .modinfo"
	{ printf '%s' "$new"; head -c $((${#old} - ${#new})) /dev/zero; } |
		dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# undefined FILE -> sorted undefined global symbols
undefined() {
	readelf -sW "$1" | awk '$7 == "UND" && $8 != "" { print $8 }' | sort -u
}

# defined_globals FILE -> sorted global/weak symbols defined in FILE
defined_globals() {
	readelf -sW "$1" | awk '$7 != "UND" && $8 != "" && ($5 == "GLOBAL" || $5 == "WEAK") { print $8 }' | sort -u
}

# gpl_only_of SYMBOL... -> those of the symbols that the kernel's
# Module.symvers marks EXPORT_SYMBOL_GPL (sorted)
gpl_only_of() {
	local s
	for s in "$@"; do
		awk -F'\t' -v s="$s" '$2 == s && $4 == "EXPORT_SYMBOL_GPL" { print s; exit }' "$SYMVERS"
	done | sort -u
}

# gpl_only_imports FILE -> sorted undefined symbols that Module.symvers marks
# EXPORT_SYMBOL_GPL
gpl_only_imports() {
	# shellcheck disable=SC2046
	gpl_only_of $(undefined "$1")
}

# module_imports FILE -> sorted undefined symbols exported by a sample module
# (not by the kernel)
module_imports() {
	local s
	for s in $(undefined "$1"); do
		grep -qP "^0x[0-9a-f]+\t\Q$s\E\t" "$SYMVERS" ||
			awk -F'\t' -v s="$s" '$2 == s { print s; exit }' "$ALL_SYMVERS"
	done | sort -u
}

# exports_of SYMVERS_FILE MODULE -> "symbol kind [namespace]" lines, sorted
exports_of() {
	awk -F'\t' -v m="$2" '{ n = split($3, p, "/") } p[n] == m { print $2, $4, $5 }' "$1" |
		sed 's/ *$//' | sort
}

# func_relocs FILE FUNC -> sorted names of the symbols referenced by the
# relocations inside FUNC's [st_value, st_value + st_size), looked up in the
# relocation section that applies to FUNC's own section (.rela<section>).
func_relocs() {
	local f=$1 fn=$2 val size ndx sec lo hi off name
	read -r val size ndx < <(readelf -sW "$f" | awk -v s="$fn" '$8 == s && $4 == "FUNC" { print $2, $3, $7 }') || true
	[ -n "${ndx:-}" ] || die "$f: no FUNC symbol $fn"
	sec=$(readelf -SW "$f" | sed -n "s/^ *\[ *$ndx\] *\([^ ]*\) .*/\1/p")
	lo=$((16#$val))
	hi=$((lo + size))
	readelf -rW "$f" | awk -v want="'.rela$sec'" '
		/^Relocation section / { inside = ($3 == want); next }
		inside && $1 ~ /^[0-9a-f]+$/ && NF >= 5 { print $1, $5 }' |
		while read -r off name; do
			off=$((16#$off))
			if [ "$off" -ge "$lo" ] && [ "$off" -lt "$hi" ]; then echo "$name"; fi
		done | sort -u
}

# func_section FILE FUNC -> name of the section FUNC is defined in
func_section() {
	local ndx
	ndx=$(readelf -sW "$1" | awk -v s="$2" '$8 == s && $4 == "FUNC" { print $7 }')
	readelf -SW "$1" | sed -n "s/^ *\[ *$ndx\] *\([^ ]*\) .*/\1/p"
}

check_eq() { # what expected actual
	[ "$2" = "$3" ] || die "$1: expected [$(echo "$2" | tr '\n' '|')], got [$(echo "$3" | tr '\n' '|')]"
}

words() { # "a b c" -> sorted lines
	[ -z "$1" ] || printf '%s\n' $1 | sort
}

check_file() { # name expected-license-lines expected-gpl-only-imports(space separated)
	local f="$OUT/$1"
	readelf -h "$f" | grep -q 'REL (Relocatable file)' || die "$1: not ELF REL"
	readelf -h "$f" | grep -q 'Advanced Micro Devices X86-64' || die "$1: not x86-64"
	readelf -SW "$f" | grep -q ' \.symtab ' || die "$1: .symtab missing"
	case "$1" in
	vendor_blob.o_binary) ;;
	*)
		check_eq "$1 license" "$2" "$(modinfo -F license "$f")"
		check_eq "$1 vermagic" "$KVER SMP preempt mod_unload modversions " "$(modinfo -F vermagic "$f")"
		;;
	esac
	check_eq "$1 GPL-only imports" "$(words "$3")" "$(gpl_only_imports "$f")"
	# every import must be a real export of this kernel or of a sample module
	local s
	for s in $(undefined "$f"); do
		grep -qP "^0x[0-9a-f]+\t\Q$s\E\t" "$ALL_SYMVERS" || die "$1: $s not exported by $KVER or a sample module"
	done
}

# check_dep FILE depends import_ns module-imports: modinfo's depends and
# import_ns tags, and the imports satisfied by sample modules
check_dep() {
	local f="$OUT/$1"
	check_eq "$1 depends" "$2" "$(modinfo -F depends "$f")"
	check_eq "$1 import_ns" "$3" "$(modinfo -F import_ns "$f")"
	check_eq "$1 module imports" "$(words "$4")" "$(module_imports "$f")"
}

# sig_payload_len FILE -> length of FILE without its appended module
# signature (struct module_signature is 12 bytes, sig_len big-endian at its
# end, followed by the 28-byte magic); empty if FILE is not signed
sig_payload_len() {
	local size siglen
	[ "$(tail -c 28 "$1")" = "~Module signature appended~" ] || return 0
	size=$(stat -c %s "$1")
	siglen=$(tail -c 32 "$1" | head -c 4 | od -An -tu1 | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
	echo $((size - 28 - 12 - siglen))
}

# build_kbuild NAME [EXTRA_SYMVERS...]: build src/NAME (Kbuild + *.c) in
# $T/NAME; modpost also reads the given Module.symvers files
build_kbuild() {
	local name=$1 dir="$T/$1"
	shift
	mkdir -p "$dir"
	cp "$SRC_DIR/$name"/Kbuild "$SRC_DIR/$name"/*.c "$dir"/
	log "building $name in $dir"
	make -C "$KDIR" M="$dir" -j"$(nproc)" ${1:+KBUILD_EXTRA_SYMBOLS="$*"} \
		KCFLAGS="-ffile-prefix-map=$dir/=" modules
	cat "$dir/Module.symvers" >>"$ALL_SYMVERS"
}

# ---------------------------------------------------------------------- wl
# build_wl: fetch broadcom-sta-dkms, build wl.ko the way dkms would, and
# split off the glue.  Leaves $OUT/wl/wl_glue.o and $T/wl.ko (stripped).
build_wl() {
	local deb ver srcdir wlb blob glue p applied objs corpus n
	if ! apt-cache show "$WL_PKG" >/dev/null 2>&1; then
		apt_update
		apt-cache show "$WL_PKG" >/dev/null 2>&1 ||
			die "apt does not know $WL_PKG: it is in Debian's non-free component;" \
				"add 'contrib non-free' to apt's sources (scripts/fetch-corpus.sh blobs does) and retry"
	fi
	mkdir -p "$T/wl-deb" "$OUT/wl"
	log "apt-get download $WL_PKG"
	(cd "$T/wl-deb" && apt-get download "$WL_PKG") ||
		{ apt_update; (cd "$T/wl-deb" && apt-get download "$WL_PKG"); }
	deb=$(echo "$T"/wl-deb/"$WL_PKG"_*.deb)
	[ -f "$deb" ] || die "apt-get download $WL_PKG produced no .deb"
	WL_DEB_VERSION=$(dpkg-deb -f "$deb" Version)
	dpkg-deb -x "$deb" "$T/wl-x"
	srcdir=$(echo "$T"/wl-x/usr/src/broadcom-sta-*)
	[ -f "$srcdir/dkms.conf" ] || die "$WL_PKG $WL_DEB_VERSION: no /usr/src/broadcom-sta-*/dkms.conf"
	WL_SRC_VERSION=${srcdir##*/broadcom-sta-}
	log "$WL_PKG $WL_DEB_VERSION (source broadcom-sta-$WL_SRC_VERSION)"
	wlb="$T/wl"
	cp -a "$srcdir" "$wlb"

	# Debian applies its debian/patches when it builds the .deb; dkms applies
	# only the patches dkms.conf lists as PATCH[n] (from patches/).  Apply
	# any of those that are not applied yet.
	WL_PATCHES=""
	for p in $(sed -n 's/^PATCH\[[0-9]*\]="\{0,1\}\([^"]*\)"\{0,1\}$/\1/p' "$wlb/dkms.conf"); do
		[ -f "$wlb/patches/$p" ] || die "dkms.conf lists patch $p, but patches/$p is missing"
		install_pkgs patch
		if (cd "$wlb" && patch -p1 -R -s -f --dry-run <"patches/$p" >/dev/null 2>&1); then
			applied="already applied"
		else
			(cd "$wlb" && patch -p1 -s -f <"patches/$p") || die "patch $p does not apply"
			applied="applied now"
		fi
		WL_PATCHES="$WL_PATCHES $p ($applied)"
	done
	if [ -d "$wlb/patches" ]; then
		log "patches/: $(cd "$wlb/patches" && ls | tr '\n' ' ')"
	fi
	log "dkms.conf patches:${WL_PATCHES:- none}"

	# dkms.conf says MAKE[0]="make KVER=$kernelver", i.e. the package
	# Makefile's "all" target: KBUILD_NOPEDANTIC=1 make -C <kernel build dir> M=`pwd`
	log "building wl in $wlb"
	make -C "$KDIR" M="$wlb" KVER="$KVER" KBUILD_NOPEDANTIC=1 -j"$(nproc)" \
		KCFLAGS="-ffile-prefix-map=$wlb/=" modules 2>&1 | tee "$T/wl-build.log" >&2
	WL_WARNINGS=$(grep -c 'warning:' "$T/wl-build.log" || true)
	log "wl build: $WL_WARNINGS compiler warning(s):"
	grep 'warning:' "$T/wl-build.log" | sed "s|$wlb/||; s/^/    /" >&2 || true

	# The blob is linked in through the Makefile's EXTRA_LDFLAGS; the glue is
	# what kbuild compiled (the object list in wl.mod).
	blob="$wlb/lib/wlc_hybrid.o_amd64"
	[ -f "$blob" ] || die "blob lib/wlc_hybrid.o_amd64 missing"
	grep -qF "$blob" "$wlb/.wl.o.cmd" || die "wl.o was not linked with $blob"
	objs=$(cat "$wlb/wl.mod")
	for p in $objs; do
		case "$p" in "$wlb"/lib/*) die "blob $p in wl.mod" ;; esac
		[ -f "$p" ] || die "glue object $p missing"
	done
	glue="$OUT/wl/wl_glue.o"
	# shellcheck disable=SC2086
	ld -m elf_x86_64 -z noexecstack --no-warn-rwx-segments -r -o "$glue" $objs
	strip --strip-debug "$glue"
	cp "$wlb/wl.ko" "$T/wl.ko"
	strip --strip-debug "$T/wl.ko"
	WL_GLUE_OBJS=$(for p in $objs; do echo "${p#"$wlb"/}"; done | tr '\n' ' ')

	corpus="${KMODAUDIT_CORPUS:-${XDG_CACHE_HOME:-$HOME/.cache}/kmodaudit/corpus}/blobs/wlc_hybrid.o_amd64"
	if [ -f "$corpus" ]; then
		cmp -s "$blob" "$corpus" || die "the package's blob differs from the corpus copy $corpus"
		log "blob is identical to the corpus copy $corpus"
	else
		log "no corpus copy of the blob ($corpus); skipped comparing"
	fi

	# The glue must define every symbol the blob leaves undefined ...
	nm -u "$blob" | awk '{ print $2 }' | sort -u >"$T/blob.und"
	nm --defined-only "$blob" | awk '$2 ~ /^[A-Z]$/ { print $3 }' | sort -u >"$T/blob.def"
	defined_globals "$glue" >"$T/glue.def"
	n=$(comm -23 "$T/blob.und" "$T/glue.def" | tr '\n' ' ')
	[ -z "$n" ] || die "wl_glue.o does not define what the blob imports: $n"
	WL_BLOB_IMPORTS=$(wc -l <"$T/blob.und")
	WL_BLOB_OSL=$(grep -c '^osl_' "$T/blob.und" || true)
	# ... and import nothing but kernel exports and what the blob defines.
	undefined "$glue" | comm -23 - "$T/blob.def" | grep -vx __this_module >"$T/glue.kernel" || true
	for p in $(cat "$T/glue.kernel"); do
		grep -qP "^0x[0-9a-f]+\t\Q$p\E\t" "$SYMVERS" || die "wl_glue.o: $p is neither a kernel export nor defined by the blob"
	done
	WL_GLUE_KERNEL_IMPORTS=$(wc -l <"$T/glue.kernel")
	# shellcheck disable=SC2046
	WL_GLUE_GPL_ONLY=$(gpl_only_of $(cat "$T/glue.kernel") | tr '\n' ' ')
	check_eq "wl_glue.o GPL-only imports" "" "$WL_GLUE_GPL_ONLY"
	check_eq "wl.ko imports" "$(cat "$T/glue.kernel")" "$(undefined "$T/wl.ko")"
	check_eq "wl.ko license" "MIXED/Proprietary" "$(modinfo -F license "$T/wl.ko")"
	check_eq "wl.ko depends" "cfg80211" "$(modinfo -F depends "$T/wl.ko")"
	check_eq "wl.ko vermagic" "$KVER SMP preempt mod_unload modversions " "$(modinfo -F vermagic "$T/wl.ko")"
	# (modinfo only reads files named *.ko*)
	cp "$glue" "$T/wl_glue.ko"
	check_eq "wl_glue.o license" "MIXED/Proprietary" "$(modinfo -F license "$T/wl_glue.ko")"
	readelf -h "$glue" | grep -q 'REL (Relocatable file)' || die "wl_glue.o: not ELF REL"
	readelf -h "$glue" | grep -q 'Advanced Micro Devices X86-64' || die "wl_glue.o: not x86-64"
	readelf -SW "$glue" | grep -q ' \.symtab ' || die "wl_glue.o: .symtab missing"
	readelf -SW "$glue" | grep -q ' \.debug_' && die "wl_glue.o: debug sections left"
	log "wl: blob imports $WL_BLOB_IMPORTS symbols ($WL_BLOB_OSL osl_*), all defined by the glue;" \
		"the glue imports $WL_GLUE_KERNEL_IMPORTS kernel exports, none GPL-only"
	log "wl: glue = $WL_GLUE_OBJS; wl.ko $(stat -c %s "$T/wl.ko") bytes stripped, wl_glue.o $(stat -c %s "$glue") bytes"
}

wl_to_out() {
	cp "$T/wl.ko" "$OUT/wl/wl_glue.o" "$WL_OUT"/
	chmod 0644 "$WL_OUT/wl.ko" "$WL_OUT/wl_glue.o"
	log "wrote $WL_OUT/wl.ko and $WL_OUT/wl_glue.o"
}

if [ "$WL_ONLY" = 1 ]; then
	build_wl
	wl_to_out
	exit 0
fi

# ------------------------------------------------------------------- build
cp "$SRC_DIR"/Kbuild "$SRC_DIR"/*.c "$B"/

log "building in $B"
make -C "$KDIR" M="$B" -j"$(nproc)" \
	KCFLAGS="-ffile-prefix-map=$B/=" modules
cat "$B/Module.symvers" >>"$ALL_SYMVERS"

build_kbuild shim
build_kbuild taint
build_kbuild dynamic
build_kbuild namespace "$B/Module.symvers"
build_kbuild depends "$B/Module.symvers"

# ------------------------------------------------------------- post-process
for m in gpl_clean proprietary_gpl_use no_license tags_disagree nul_trick \
	dual_licensed signed_gpl vendor_glue; do
	cp "$B/$m.ko" "$OUT/$m.ko"
	strip --strip-debug "$OUT/$m.ko"
done
cp "$B/vendor_core.o" "$OUT/vendor_blob.o_binary"
strip --strip-debug "$OUT/vendor_blob.o_binary"
for d in "${SCENARIOS[@]}"; do
	mkdir -p "$OUT/$d"
	for m in "$T/$d"/*.ko; do
		cp "$m" "$OUT/$d/"
		strip --strip-debug "$OUT/$d/${m##*/}"
	done
done

log "patching license strings"
patch_string "$OUT/proprietary_gpl_use.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/tags_disagree.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/vendor_glue.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/no_license.ko" "license=GPL" ""
patch_string "$OUT/dynamic/dyn_lookup.ko" "license=Dual MIT/GPL" "license=Proprietary"
log "patching import_ns and depends strings"
patch_string "$OUT/namespace/ns_missing_import.ko" "import_ns=KMODAUDIT_SAMPLE" ""
patch_string "$OUT/depends/depends_edited.ko" "depends=gpl_clean" "depends=gpl_dirty"

log "signing signed_gpl.ko with a throwaway key"
cp "$OUT/signed_gpl.ko" "$T/signed_gpl.unsigned.ko"
cat >"$T/x509.genkey" <<EOF
[ req ]
default_bits = 2048
distinguished_name = req_distinguished_name
prompt = no
string_mask = utf8only
x509_extensions = myexts

[ req_distinguished_name ]
CN = $SIGNER_CN

[ myexts ]
basicConstraints=critical,CA:FALSE
keyUsage=digitalSignature
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid
EOF
openssl req -new -nodes -utf8 -sha256 -days 36500 -batch -x509 \
	-config "$T/x509.genkey" -outform DER -out "$T/cert.der" \
	-keyout "$T/key.pem" 2>/dev/null
"$SIGN_FILE" sha256 "$T/key.pem" "$T/cert.der" "$OUT/signed_gpl.ko"
tail -c 28 "$OUT/signed_gpl.ko" | grep -q '~Module signature appended~' ||
	die "signed_gpl.ko: no signature trailer"
# Keep the committed signed_gpl.ko if only its signature would change: the
# module bytes before the signature are the same, and a fresh throwaway key
# proves nothing a kept one does not.
old="$SAMPLES_DIR/signed_gpl.ko"
if [ -f "$old" ] && len=$(sig_payload_len "$old") && [ -n "$len" ] &&
	[ "$len" = "$(stat -c %s "$T/signed_gpl.unsigned.ko")" ] &&
	head -c "$len" "$old" | cmp -s - "$T/signed_gpl.unsigned.ko"; then
	log "signed_gpl.ko: module unchanged, keeping the committed signature"
	cp "$old" "$OUT/signed_gpl.ko"
fi
check_eq "signed_gpl payload" "$(stat -c %s "$T/signed_gpl.unsigned.ko")" "$(sig_payload_len "$OUT/signed_gpl.ko")"
head -c "$(sig_payload_len "$OUT/signed_gpl.ko")" "$OUT/signed_gpl.ko" | cmp -s - "$T/signed_gpl.unsigned.ko" ||
	die "signed_gpl.ko: signed file does not start with the module"

gzip -9n <"$SYMVERS" >"$OUT/symvers-$KVER.gz"

build_wl

# ------------------------------------------------------------------ verify
log "verifying"
check_file gpl_clean.ko "GPL" "debugfs_create_dir debugfs_remove"
check_file proprietary_gpl_use.ko "Proprietary" "debugfs_create_dir debugfs_create_u32 debugfs_remove"
check_file no_license.ko "" "ktime_get"
check_file tags_disagree.ko "GPL
Proprietary" "kobject_create_and_add"
check_file nul_trick.ko "GPL" "synchronize_rcu"
check_file dual_licensed.ko "Dual BSD/GPL" "debugfs_create_dir debugfs_remove"
check_file signed_gpl.ko "GPL" "debugfs_create_dir debugfs_remove"
check_file vendor_glue.ko "Proprietary" "debugfs_create_dir debugfs_remove ktime_get"
check_file vendor_blob.o_binary "" "debugfs_create_dir debugfs_remove ktime_get"

check_eq "signed_gpl signer" "$SIGNER_CN" "$(modinfo -F signer "$OUT/signed_gpl.ko")"
grep -qaF 'license=GPL' "$OUT/no_license.ko" && die "no_license.ko still has a license string"
grep -qaF 'for files in the "GPL" directory' "$OUT/nul_trick.ko" || die "nul_trick.ko lost its tail"
[ -z "$(section_range "$OUT/vendor_blob.o_binary" .modinfo)" ] || die "vendor_blob.o_binary has .modinfo"
undefined "$OUT/vendor_blob.o_binary" | grep -qx _printk || die "vendor_blob.o_binary: no _printk import"
# gpl_clean's own exports, with their kinds and namespace
ksym=$(awk -F'\t' '{ print $2, $4, $5 }' "$B/Module.symvers" | sed 's/ *$//' | sort)
check_eq "gpl_clean exports" "kmodaudit_sample_add EXPORT_SYMBOL
kmodaudit_sample_gpl_double EXPORT_SYMBOL_GPL
kmodaudit_sample_ns_negate EXPORT_SYMBOL_GPL KMODAUDIT_SAMPLE" "$ksym"

# shim: licenses, GPL-only kernel imports, imports from gpl_shim, depends
check_file shim/gpl_shim.ko "GPL" "debugfs_create_dir debugfs_remove ktime_get"
check_dep shim/gpl_shim.ko "" "" ""
check_file shim/proprietary_shim_user.ko "Proprietary" ""
check_dep shim/proprietary_shim_user.ko "gpl_shim" "" "shim_debugfs_dir shim_debugfs_remove shim_plain_add"
check_file shim/proprietary_plain_user.ko "Proprietary" ""
check_dep shim/proprietary_plain_user.ko "gpl_shim" "" "shim_plain_add"
check_eq "gpl_shim exports" "shim_debugfs_dir EXPORT_SYMBOL
shim_debugfs_remove EXPORT_SYMBOL
shim_helper_indirect EXPORT_SYMBOL
shim_plain_add EXPORT_SYMBOL" "$(exports_of "$T/shim/Module.symvers" gpl_shim)"
check_eq "shim users export" "" "$(exports_of "$T/shim/Module.symvers" proprietary_shim_user)$(exports_of "$T/shim/Module.symvers" proprietary_plain_user)"
# shim: what each exported function really calls (relocations in its range)
f="$OUT/shim/gpl_shim.ko"
for fn_want in shim_debugfs_dir:debugfs_create_dir shim_debugfs_remove:debugfs_remove \
	shim_plain_add:_printk shim_helper_indirect:shim_internal_ktime shim_internal_ktime:ktime_get; do
	fn=${fn_want%%:*}
	want=${fn_want#*:}
	r=$(func_relocs "$f" "$fn")
	printf '%s\n' "$r" | grep -qx "$want" || die "gpl_shim.ko: no relocation to $want inside $fn (has: $(echo $r))"
	case $fn in
	shim_debugfs_dir | shim_debugfs_remove | shim_internal_ktime) gpl=$want ;;
	*) gpl="" ;;
	esac
	# shellcheck disable=SC2086
	check_eq "gpl_shim.ko GPL-only relocations in $fn" "$gpl" "$(gpl_only_of $r)"
	log "gpl_shim.ko: $fn [$(func_section "$f" "$fn")] -> $(echo $r)"
done
check_eq "shim_internal_ktime binding" "FUNC GLOBAL" \
	"$(readelf -sW "$f" | awk '$8 == "shim_internal_ktime" { print $4, $5 }')"
check_eq "shim_internal_ktime section" ".text.shim_internal" "$(func_section "$f" shim_internal_ktime)"
readelf -sW "$f" | grep -q '__ksymtab_shim_internal_ktime' && die "gpl_shim.ko: shim_internal_ktime is exported"

# taint
check_file taint/proprietary_lib.ko "Proprietary" ""
check_dep taint/proprietary_lib.ko "" "" ""
check_file taint/gpl_taint_user.ko "GPL" "debugfs_create_dir debugfs_remove"
check_dep taint/gpl_taint_user.ko "proprietary_lib" "" "prop_lib_value"
check_file taint/gpl_taint_info.ko "GPL" ""
check_dep taint/gpl_taint_info.ko "proprietary_lib" "" "prop_lib_value"
check_eq "proprietary_lib exports" "prop_lib_value EXPORT_SYMBOL" "$(exports_of "$T/taint/Module.symvers" proprietary_lib)"

# dynamic
check_file dynamic/dyn_lookup.ko "Proprietary" "__symbol_get register_kprobe unregister_kprobe"
check_dep dynamic/dyn_lookup.ko "" "" ""
undefined "$OUT/dynamic/dyn_lookup.ko" | grep -qx __symbol_put || die "dyn_lookup.ko: no __symbol_put import"
grep -qaF 'kallsyms_lookup_name' "$OUT/dynamic/dyn_lookup.ko" || die "dyn_lookup.ko: no kallsyms_lookup_name string"

# namespace
check_file namespace/ns_missing_import.ko "GPL" ""
check_dep namespace/ns_missing_import.ko "gpl_clean" "" "kmodaudit_sample_ns_negate"
check_file namespace/ns_ok_import.ko "GPL" ""
check_dep namespace/ns_ok_import.ko "gpl_clean" "KMODAUDIT_SAMPLE" "kmodaudit_sample_ns_negate"
grep -qaF 'KMODAUDIT_SAMPLE' "$OUT/namespace/ns_missing_import.ko" && die "ns_missing_import.ko still names the namespace"

# depends
check_file depends/depends_edited.ko "GPL" ""
check_dep depends/depends_edited.ko "gpl_dirty" "" "kmodaudit_sample_add"

# ----------------------------------------------------------------- install
# Copy $OUT to samples/, rewriting only files whose bytes differ, and remove
# files of the kinds this script produces that it did not produce this time.
log "updating $SAMPLES_DIR"
changed=0
kept=0
shopt -s nullglob
for f in "$SAMPLES_DIR"/*.ko "$SAMPLES_DIR"/vendor_blob.o_binary "$SAMPLES_DIR"/symvers-*.gz \
	"$SAMPLES_DIR"/wl/*.o "$SAMPLES_DIR"/wl/*.ko; do
	rel=${f#"$SAMPLES_DIR"/}
	[ -e "$OUT/$rel" ] || { log "removing stale $rel"; rm -f "$f"; }
done
for d in "${SCENARIOS[@]}"; do
	for f in "$SAMPLES_DIR/$d"/*.ko; do
		rel=${f#"$SAMPLES_DIR"/}
		[ -e "$OUT/$rel" ] || { log "removing stale $rel"; rm -f "$f"; }
	done
done
shopt -u nullglob
while IFS= read -r rel; do
	rel=${rel#./}
	if cmp -s "$OUT/$rel" "$SAMPLES_DIR/$rel"; then
		kept=$((kept + 1))
	else
		log "writing $rel"
		mkdir -p "$(dirname "$SAMPLES_DIR/$rel")"
		cp "$OUT/$rel" "$SAMPLES_DIR/$rel.tmp.$$"
		chmod 0644 "$SAMPLES_DIR/$rel.tmp.$$"
		mv -f "$SAMPLES_DIR/$rel.tmp.$$" "$SAMPLES_DIR/$rel"
		changed=$((changed + 1))
	fi
done < <(cd "$OUT" && find . -type f | sort)
(cd "$SAMPLES_DIR" && ls -l ./*.ko vendor_blob.o_binary symvers-*.gz \
	$(printf '%s/*.ko ' "${SCENARIOS[@]}") wl/wl_glue.o) >&2
log "$changed file(s) written, $kept unchanged"

if [ -n "${WL_OUT:-}" ]; then wl_to_out; fi
log "done ($KVER; $WL_PKG $WL_DEB_VERSION)"
