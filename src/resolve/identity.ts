/**
 * One module has several spellings — `name=` (snd_hda_codec_realtek), the file name
 * (snd-hda-codec-realtek.ko.xz), `depends=` entries and the Module.symvers module column
 * (sound/pci/hda/snd-hda-codec-realtek). They compare equal after this normalisation, as in kmod.
 */
export function normalizeModuleName(spelling: string): string {
  const base = spelling.slice(spelling.lastIndexOf("/") + 1);
  const dot = base.indexOf(".");
  return (dot > 0 ? base.slice(0, dot) : base).replace(/-/g, "_");
}
