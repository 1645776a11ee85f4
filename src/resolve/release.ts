/**
 * The kernel release a table belongs to, from the names Debian and kbuild give these files:
 * symvers-<rel>.gz, System.map-<rel>, vmlinuz-<rel>, linux-headers-<rel>/Module.symvers and
 * /lib/modules/<rel>/build/Module.symvers. Null when the path says nothing.
 */
export function releaseFromPath(path: string): string | null {
  const patterns = [
    /(?:^|\/)symvers-(.+?)\.gz$/,
    /(?:^|\/)(?:System\.map|vmlinuz|vmlinux)-([^/]+)$/,
    /(?:^|\/)linux-headers-([^/]+)\/Module\.symvers$/,
    /(?:^|\/)lib\/modules\/([^/]+)\/build\/Module\.symvers$/,
  ];
  for (const p of patterns) {
    const m = p.exec(path);
    if (m) return m[1]!;
  }
  return null;
}

/** The release in a kernel image's banner ("Linux version 6.1.0-56-amd64 (…"). */
export function releaseFromBanner(image: Buffer): string | null {
  const at = image.indexOf("Linux version ");
  if (at < 0) return null;
  const m = /^Linux version (\S+)/.exec(image.toString("latin1", at, at + 200));
  return m ? m[1]! : null;
}

/** The release a module was built for: the first word of its vermagic. */
export function releaseOfVermagic(vermagic: string): string {
  return vermagic.trim().split(/\s+/)[0] ?? "";
}
