// seek-bzip ships no types; this declares only the decoder src/bytes/bzip2.ts uses.
declare module "seek-bzip" {
  interface OutputStream {
    writeByte(byte: number): void;
  }
  const Bunzip: { decode(input: Uint8Array, output: OutputStream, multistream?: boolean): void };
  export default Bunzip;
}
