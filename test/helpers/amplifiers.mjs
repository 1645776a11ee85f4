// Inputs that amplify: small files that cost a scanner far more memory or work than their size
// (issue 23). Each builder writes into `dir` and returns the path; sizes are parameters, so tests
// can use small ones and the bench the sizes quoted in the issue.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/**
 * Bytes that gzip shrinks about 150× — under the default --max-ratio of 200, so no bomb check
 * stops them: zeros, with 16 pseudo-random bytes every 4 KiB.
 */
export function pad(bytes, seed = 1) {
  const out = Buffer.alloc(bytes);
  let x = seed >>> 0 || 1;
  for (let page = 0; page < bytes; page += 4096)
    for (let i = page; i < Math.min(page + 16, bytes); i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      out[i] = x & 0xff;
    }
  return out;
}

/** A ustar header block for a regular file (type '0') or, with `type`, another entry. */
function tarHeader(name, size, type = "0") {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, "utf8");
  h.write("0000644\0", 100);
  h.write("0000000\0", 108);
  h.write("0000000\0", 116);
  h.write(`${size.toString(8).padStart(11, "0")}\0`, 124);
  h.write("00000000000\0", 136);
  h.write("        ", 148);
  h.write(type, 156);
  h.write("ustar\0" + "00", 257);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148);
  return h;
}

/** A tar of `files` ([name, bytes]), in order, with its two zero blocks at the end. */
export function tar(files) {
  const parts = [];
  for (const [name, data] of files) {
    parts.push(tarHeader(name, data.length), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** `tar.gz` holding one member of `bytes` from pad(): a few MB that decode to a large member. */
export function oneBigMember(dir, bytes) {
  const path = join(dir, "one-big-member.tar.gz");
  writeFileSync(path, gzipSync(tar([["pad", pad(bytes)]]), { level: 1 }));
  return path;
}

/**
 * `levels` tar.gz inside one another, each holding a pad of `padBytes` and the next level — the
 * innermost holding `leaf` (a module, say) — so every level decodes to more than it is.
 */
export function nested(dir, levels, padBytes, leaf) {
  return nestedTarGz(join(dir, "nested.tar.gz"), levels, leaf, (level) => pad(padBytes, level), 1);
}

/**
 * nested(), but its pads random bytes, stored rather than compressed: every level is about as large
 * as everything inside it, so holding each level's compressed bytes while the next is read would
 * hold the input many times over.
 */
export function nestedOpaque(dir, levels, padBytes, leaf) {
  return nestedTarGz(join(dir, "nested-opaque.tar.gz"), levels, leaf, () => randomBytes(padBytes), 0);
}

/** Writes to `path` `levels` tar.gz (gzip level `gzipLevel`) around `leaf`, level n padded with padOf(n). */
function nestedTarGz(path, levels, leaf, padOf, gzipLevel) {
  let inner = leaf;
  let innerName = "leaf.ko";
  for (let level = levels; level >= 1; level--) {
    inner = gzipSync(
      tar([
        ["pad", padOf(level)],
        [innerName, inner],
      ]),
      { level: gzipLevel },
    );
    innerName = `level${level}.tar.gz`;
  }
  writeFileSync(path, inner);
  return path;
}

/** A gzip'd tar of `count` empty members: each costs a 512-byte header and no data. */
export function manyEmptyMembers(dir, count) {
  const header = (i) => tarHeader(`d${Math.floor(i / 10000)}/f${i}`, 0);
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(header(i));
  parts.push(Buffer.alloc(1024));
  const path = join(dir, "many-empty-members.tar.gz");
  writeFileSync(path, gzipSync(Buffer.concat(parts), { level: 1 }));
  return path;
}

/**
 * An ISO 9660 image (xorriso) in which `names` directory entries point at one extent: `file`,
 * hard-linked under every name (xorriso stores hard links' data once).
 */
export function isoOfOneExtent(dir, file, fileName, names) {
  const root = join(dir, "iso-root");
  mkdirSync(root, { recursive: true });
  const first = join(root, `1-${fileName}`);
  writeFileSync(first, file);
  for (let i = 2; i <= names; i++) linkSync(first, join(root, `${i}-${fileName}`));
  const path = join(dir, "one-extent.iso");
  execFileSync("xorriso", ["-as", "mkisofs", "-quiet", "-R", "-o", path, root], { stdio: "ignore" });
  return path;
}
