#!/usr/bin/env bash
# samples/build.sh - rebuild the kmodaudit sample kernel modules.
#
# Builds the small modules in samples/src/ against real Debian 6.1 amd64
# kernel headers (the newest linux-headers-6.1.0-N-amd64 apt knows about,
# or $KMODAUDIT_KVER if set, e.g. KMODAUDIT_KVER=6.1.0-56-amd64), then
# post-processes them and copies the results to the top of samples/:
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
# Why the byte patches: 6.1's modpost refuses to produce exactly the modules
# we need as test input.  It errors on "GPL-incompatible module ... uses
# GPL-only symbol" (checking every license tag, not just the first) and on a
# missing MODULE_LICENSE().  So those modules are built with GPL-compatible
# tags, and afterwards the tag is rewritten inside .modinfo of the built .ko,
# the way a vendor could edit a binary: "license=Dual MIT/GPL\0" becomes
# "license=Proprietary\0" padded with NULs to the same length ("Dual MIT/GPL"
# is 12 chars, "Proprietary" 11), and for no_license the whole
# "license=GPL" string is overwritten with NULs.  Offsets and lengths do not
# change, so the ELF stays valid (empty strings in .modinfo are skipped by
# modinfo and by the kernel's get_modinfo()).  The loader would still accept
# these files as far as the license goes (no checksum covers .modinfo);
# CRCs in __versions are untouched.
#
# Modules are stripped with `strip --strip-debug` (like INSTALL_MOD_STRIP=1),
# which keeps .symtab: kmodaudit reads the undefined symbols from it.  The
# signature is appended after stripping and patching.  Compilation uses
# -ffile-prefix-map so the temp dir path does not leak into the objects;
# apart from signed_gpl.ko (fresh key every run) the output is reproducible
# for a given headers package and compiler.
#
# Usage (as root on Debian 12; installs what is missing):  bash samples/build.sh
set -euo pipefail

SAMPLES_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC_DIR="$SAMPLES_DIR/src"
SIGNER_CN="kmodaudit sample signing key"
export LC_ALL=C

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'build.sh: error: %s\n' "$*" >&2; exit 1; }

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
# binutils strip/readelf.
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

# ------------------------------------------------------------------- build
T=$(mktemp -d "${TMPDIR:-/tmp}/kmodaudit-samples.XXXXXX")
trap 'rm -rf "$T"' EXIT
B="$T/build"
OUT="$T/out"
mkdir -p "$B" "$OUT"
cp "$SRC_DIR"/Kbuild "$SRC_DIR"/*.c "$B"/

log "building in $B"
make -C "$KDIR" M="$B" -j"$(nproc)" \
	KCFLAGS="-ffile-prefix-map=$B/=" modules

# ------------------------------------------------------------------ helpers
SYMVERS="$KDIR/Module.symvers"

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

# gpl_only_imports FILE -> sorted undefined symbols that Module.symvers marks
# EXPORT_SYMBOL_GPL
gpl_only_imports() {
	undefined "$1" | while read -r s; do
		awk -F'\t' -v s="$s" '$2 == s && $4 == "EXPORT_SYMBOL_GPL" { print s; exit }' "$SYMVERS"
	done
}

check_eq() { # what expected actual
	[ "$2" = "$3" ] || die "$1: expected [$(echo "$2" | tr '\n' '|')], got [$(echo "$3" | tr '\n' '|')]"
}

check_file() { # name expected-license-lines expected-gpl-only-imports(space separated)
	local f="$OUT/$1"
	readelf -h "$f" | grep -q 'REL (Relocatable file)' || die "$1: not ELF REL"
	readelf -h "$f" | grep -q 'Advanced Micro Devices X86-64' || die "$1: not x86-64"
	readelf -SW "$f" | grep -q ' \.symtab ' || die "$1: .symtab missing"
	if [ "$1" != vendor_blob.o_binary ]; then
		check_eq "$1 license" "$2" "$(modinfo -F license "$f")"
		check_eq "$1 vermagic" "$KVER SMP preempt mod_unload modversions " "$(modinfo -F vermagic "$f")"
	fi
	check_eq "$1 GPL-only imports" "$(printf '%s\n' $3 | sort)" "$(gpl_only_imports "$f")"
	# every import must be a real export of this kernel
	local s
	for s in $(undefined "$f"); do
		grep -qP "^0x[0-9a-f]+\t\Q$s\E\t" "$SYMVERS" || die "$1: $s not exported by $KVER"
	done
}

# ------------------------------------------------------------- post-process
for m in gpl_clean proprietary_gpl_use no_license tags_disagree nul_trick \
	dual_licensed signed_gpl vendor_glue; do
	cp "$B/$m.ko" "$OUT/$m.ko"
	strip --strip-debug "$OUT/$m.ko"
done
cp "$B/vendor_core.o" "$OUT/vendor_blob.o_binary"
strip --strip-debug "$OUT/vendor_blob.o_binary"

log "patching license strings"
patch_string "$OUT/proprietary_gpl_use.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/tags_disagree.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/vendor_glue.ko" "license=Dual MIT/GPL" "license=Proprietary"
patch_string "$OUT/no_license.ko" "license=GPL" ""

log "signing signed_gpl.ko with a throwaway key"
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

gzip -9n <"$SYMVERS" >"$OUT/symvers-$KVER.gz"

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

# ----------------------------------------------------------------- install
log "copying results to $SAMPLES_DIR"
rm -f "$SAMPLES_DIR"/*.ko "$SAMPLES_DIR"/vendor_blob.o_binary "$SAMPLES_DIR"/symvers-*.gz
cp "$OUT"/* "$SAMPLES_DIR"/
chmod 0644 "$SAMPLES_DIR"/*.ko "$SAMPLES_DIR"/vendor_blob.o_binary "$SAMPLES_DIR"/symvers-*.gz
(cd "$SAMPLES_DIR" && ls -l ./*.ko vendor_blob.o_binary symvers-*.gz) >&2
log "done ($KVER)"
