// A small writer of VMware vmtar archives and VIB packages, from the format as docs/vmtar.md
// describes it, used to make ESXi-style test inputs out of kmodaudit's own VMkernel test modules.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BLOCK = 512;

/** files: [{ name, data }] → vmtar bytes: every header first, then the data blocks. */
export function writeVmtar(files) {
  const headers = Buffer.alloc((files.length + 1) * BLOCK); // + the empty block that ends them
  let dataAt = headers.length;
  const blobs = [];
  files.forEach(({ name, data }, i) => {
    const h = headers.subarray(i * BLOCK, (i + 1) * BLOCK);
    h.write(name, 0, 100, "utf8");
    h.write("0000644\0", 100, "latin1");
    h.write("0000000\0", 108, "latin1");
    h.write("0000000\0", 116, "latin1");
    h.write(data.length.toString(8).padStart(11, "0") + "\0", 124, "latin1");
    h.write("00000000000\0", 136, "latin1");
    h[156] = 0x30; // '0': regular file
    h.write("visor ", 257, "latin1");
    h.write(" \0", 263, "latin1"); // version: with the magic, "visor  \0", as GNU tar's "ustar  \0"
    h.write("root\0", 265, "latin1");
    h.write("root\0", 297, "latin1");
    h.writeUInt32LE(dataAt, 496);
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const b of h) sum += b;
    h.write(sum.toString(8).padStart(6, "0") + "\0 ", 148, "latin1");
    blobs.push(data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
    dataAt += Math.ceil(data.length / BLOCK) * BLOCK;
  });
  return Buffer.concat([headers, ...blobs]);
}

/** A VIB: an ar archive of descriptor.xml, sig.pkcs7 and gzip'd vmtar payloads. */
export function writeVib(name, payloads) {
  const dir = mkdtempSync(join(tmpdir(), "kmodaudit-vib-"));
  writeFileSync(
    join(dir, "descriptor.xml"),
    `<vib version="5.0"><name>${name}</name><payloads>${payloads.map((p) => `<payload name="${p.name}" type="vgz"/>`).join("")}</payloads></vib>\n`,
  );
  writeFileSync(join(dir, "sig.pkcs7"), Buffer.alloc(0));
  for (const p of payloads)
    writeFileSync(join(dir, p.name), execFileSync("gzip", ["-n", "-c"], { input: writeVmtar(p.files) }));
  execFileSync("ar", ["rc", join(dir, "out.vib"), "descriptor.xml", "sig.pkcs7", ...payloads.map((p) => p.name)], {
    cwd: dir,
  });
  return join(dir, "out.vib");
}
