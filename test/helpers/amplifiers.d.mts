export function pad(bytes: number, seed?: number): Buffer;
export function tar(files: [string, Buffer][]): Buffer;
export function oneBigMember(dir: string, bytes: number): string;
export function nested(dir: string, levels: number, padBytes: number, leaf: Buffer): string;
export function nestedOpaque(dir: string, levels: number, padBytes: number, leaf: Buffer): string;
export function manyEmptyMembers(dir: string, count: number): string;
export function isoOfOneExtent(dir: string, file: Buffer, fileName: string, names: number): string;
