/** Synchronous random access to a disk image's bytes (a file in the services, a buffer in tests). */
export interface DiskReader {
  /** Bytes of the image. */
  size: number;
  /** Reads `length` bytes at `offset`; bytes past the end of the image read as zeros. */
  read(offset: number, length: number): Uint8Array;
}

/** A DiskReader over bytes held in memory. */
export function bufferReader(bytes: Uint8Array): DiskReader {
  return {
    size: bytes.length,
    read(offset, length) {
      const out = new Uint8Array(length);
      if (offset < bytes.length) out.set(bytes.subarray(offset, Math.min(bytes.length, offset + length)));
      return out;
    },
  };
}
