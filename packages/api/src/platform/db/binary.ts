/**
 * The bytes of a Buffer field read with `.lean()`: a Buffer from some drivers and engines, a BSON
 * `Binary` (whose `buffer` holds the bytes) from others.
 */
export function bytesOf(stored: unknown): Buffer {
  return Buffer.isBuffer(stored) ? stored : Buffer.from((stored as { buffer: Uint8Array }).buffer);
}
