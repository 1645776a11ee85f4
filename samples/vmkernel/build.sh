#!/usr/bin/env bash
# Builds the VMkernel-dialect test modules from src/ with plain gcc -c (no VMware toolchain is
# public): relocatable objects with .vmkmodinfo and .vmksymbolexports laid out as VMware's vmkapi
# headers describe (src/vmk_module.h). Output: samples/vmkernel/*.o, stripped of debug info.
set -euo pipefail
cd "$(dirname "$0")"
for c in src/*.c; do
  o=$(basename "${c%.c}").o
  gcc -O2 -fno-pic -fno-asynchronous-unwind-tables -ffile-prefix-map="$PWD"=. -c "$c" -o "$o"
  strip --strip-debug "$o"
  readelf -S "$o" | grep -q vmkmodinfo || { echo "$o: no .vmkmodinfo" >&2; exit 1; }
done
ls -l *.o
