#!/usr/bin/env bash
# Everything `npm test` needs before vitest runs: the compiled CLI (tests run bin/kmodaudit as a
# user would), the independent tools the corpus tests compare against (kmod's modinfo, binutils'
# readelf, xz, zstd, Python's jsonschema), Debian's chromium for the HTML report's browser test, and the real Debian
# module trees (cached; see scripts/fetch-corpus.sh).
# Set KMODAUDIT_SKIP_CORPUS=1 to run without the corpus (the corpus suites are then skipped).
set -euo pipefail
cd "$(dirname "$0")/.."

npm run build

missing=()
for tool in modinfo:kmod readelf:binutils xz:xz-utils zstd:zstd gzip:gzip mkfifo:coreutils dot:graphviz cpio:cpio tar:tar dpkg-deb:dpkg rpmbuild:rpm xorriso:xorriso bzip2:bzip2 mkinitramfs:initramfs-tools chromium:chromium xmllint:libxml2-utils cmark-gfm:cmark-gfm; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
# Python's jsonschema: the SBOM tests' second validator, independent of Ajv.
python3 -c 'import jsonschema' >/dev/null 2>&1 || missing+=(python3-jsonschema)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || true
    apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test-setup: missing tools; install the Debian packages: ${missing[*]}" >&2
    exit 1
  fi
fi

if [ "${KMODAUDIT_SKIP_CORPUS:-}" != 1 ]; then
  bash scripts/fetch-corpus.sh
fi
