#!/usr/bin/python3
"""Baseline for bench/run.mjs: a straightforward pyelftools audit of the same facts kmodaudit
reads (license tags, imports, exports by __ksymtab labels), resolved against Module.symvers,
reporting non-GPL modules that import GPL-only symbols. Usage: pyelftools_audit.py SYMVERS DIR"""
import lzma
import os
import sys
from io import BytesIO

from elftools.elf.elffile import ELFFile
from elftools.elf.sections import SymbolTableSection

GPL = {"GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"}


def load_symvers(path):
    gpl = {}
    with open(path) as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 4:
                gpl[cols[1]] = cols[3] == "EXPORT_SYMBOL_GPL"
    return gpl


def facts(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] == b"\xfd7zXZ\x00":
        data = lzma.decompress(data)
    elf = ELFFile(BytesIO(data))
    modinfo = elf.get_section_by_name(".modinfo")
    licenses = []
    if modinfo is not None:
        for s in modinfo.data().split(b"\0"):
            if s.startswith(b"license="):
                licenses.append(s[8:].decode("utf-8", "replace"))
    imports, exports = [], {}
    for sec in elf.iter_sections():
        if isinstance(sec, SymbolTableSection):
            for sym in sec.iter_symbols():
                if sym["st_shndx"] == "SHN_UNDEF" and sym.name and sym["st_info"]["bind"] != "STB_LOCAL":
                    imports.append(sym.name)
                elif sym.name.startswith("__ksymtab_") and isinstance(sym["st_shndx"], int):
                    owner = elf.get_section(sym["st_shndx"]).name
                    if owner in ("__ksymtab", "__ksymtab_gpl"):
                        exports[sym.name[10:]] = owner == "__ksymtab_gpl"
    return licenses, imports, exports


def main():
    table = load_symvers(sys.argv[1])
    modules = {}
    for root, _dirs, files in os.walk(sys.argv[2]):
        for name in files:
            if ".ko" in name:
                path = os.path.join(root, name)
                modules[path] = facts(path)
    for _path, (_lic, _imp, exports) in modules.items():
        table.update(exports)
    findings = 0
    for path, (licenses, imports, _exp) in sorted(modules.items()):
        if licenses and licenses[0] in GPL and all(l in GPL for l in licenses):
            continue
        gpl_only = sorted(s for s in imports if table.get(s))
        if gpl_only:
            findings += 1
            print(f"{path}: gpl-only-symbol-use {' '.join(gpl_only)}")
    print(f"{len(modules)} modules, {findings} findings")


main()
