/**
 * Parser for the IDX format MNIST ships in: big-endian magic (0x0000, type, ndim),
 * then ndim big-endian uint32 sizes, then the data. Only unsigned bytes (type 0x08) occur.
 */

export interface IdxArray {
  shape: number[];
  data: Uint8Array;
}

export class IdxFormatError extends Error {
  constructor(name: string, detail: string) {
    super(`${name}: not a valid IDX file (${detail})`);
    this.name = 'IdxFormatError';
  }
}

const UBYTE = 0x08;

export function parseIdx(bytes: Uint8Array, name = 'IDX file'): IdxArray {
  if (bytes.length < 4) throw new IdxFormatError(name, `${bytes.length} bytes is too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint16(0) !== 0) throw new IdxFormatError(name, 'magic number must start with two zero bytes');
  const type = view.getUint8(2);
  if (type !== UBYTE) throw new IdxFormatError(name, `data type 0x${type.toString(16)} is not unsigned byte (0x08)`);
  const ndim = view.getUint8(3);
  if (ndim < 1 || ndim > 4) throw new IdxFormatError(name, `${ndim} dimensions, expected 1 to 4`);
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) throw new IdxFormatError(name, 'header is truncated');
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d));
  const expected = shape.reduce((a, b) => a * b, 1);
  const actual = bytes.length - headerBytes;
  if (actual !== expected) {
    throw new IdxFormatError(
      name,
      `shape [${shape.join(', ')}] needs ${expected} data bytes but the file has ${actual}` + (actual < expected ? ' (truncated?)' : ''),
    );
  }
  return { shape, data: bytes.subarray(headerBytes) };
}
