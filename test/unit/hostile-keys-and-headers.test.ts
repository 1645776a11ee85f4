import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { declaredBlobLicense } from "../../src/audit/blob-licenses.js";
import { ByteStream } from "../../src/bytes/byte-stream.js";
import { tarMembers } from "../../src/bytes/tar.js";
import { parseConfig } from "../../src/policy/config.js";

describe("a config's blob named __proto__", () => {
  it("is a blob like any other, not a key that vanishes", () => {
    const config = parseConfig('{ "blobLicenses": { "__proto__": "NVIDIA" } }', "kmodaudit.config.json");
    expect(Object.entries(config.blobLicenses)).toEqual([["__proto__", "NVIDIA"]]);
    expect(declaredBlobLicense("vendor/__proto__", null, config.blobLicenses)).toBe("NVIDIA");
  });
});

/** The checksum field of a 512-byte tar header, as old tars wrote it: bytes summed as signed. */
function signedChecksum(header: Buffer): void {
  let sum = 0;
  for (let i = 0; i < 512; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : header[i]!;
    sum += b < 0x80 ? b : b - 0x100;
  }
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "latin1");
}

async function names(tar: Buffer): Promise<string[]> {
  const out: string[] = [];
  for await (const m of tarMembers(
    ByteStream.ofChunks(
      (async function* () {
        yield tar;
      })(),
    ),
  ))
    out.push(m.name);
  return out;
}

describe("a tar header whose checksum was summed over signed bytes", () => {
  it("is read, as GNU tar reads it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kmodaudit-signed-tar-"));
    const name = "caf\u00e9.ko"; // a byte above 0x7f, where signed and unsigned sums differ
    writeFileSync(join(dir, name), "module bytes");
    execFileSync("tar", ["-cf", "a.tar", "--format=ustar", name], { cwd: dir });
    const tar = readFileSync(join(dir, "a.tar"));
    signedChecksum(tar.subarray(0, 512));
    expect(execFileSync("tar", ["-tf", "-"], { input: tar, encoding: "utf8" }).trim()).toBe(name);
    expect(await names(tar)).toEqual([name]);
  });
});
