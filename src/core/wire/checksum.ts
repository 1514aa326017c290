/**
 * The Internet checksum (RFC 1071): the 16-bit ones'-complement of the
 * ones'-complement sum of the data taken as big-endian 16-bit words, an odd
 * last octet padded on the right with a zero octet. IPv4 (RFC 791 §3.1) and
 * TCP (RFC 9293 §3.1) both use it.
 */

/**
 * The ones'-complement sum of `data` as big-endian 16-bit words, added to
 * `initial` (a previous sum, to chain several pieces), folded to 16 bits.
 * Chain pieces only at even lengths: an odd piece is padded with a zero octet.
 */
export function onesComplementSum(data: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = data.length & ~1;
  for (let i = 0; i < even; i += 2) sum += (data[i]! << 8) | data[i + 1]!;
  if (even < data.length) sum += data[even]! << 8;
  // At most 2^16 words of at most 0xffff each: the sum stays far below 2^53.
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum to put in a header: the complement of the sum of everything it covers. */
export function internetChecksum(data: Uint8Array, initial = 0): number {
  return ~onesComplementSum(data, initial) & 0xffff;
}

/**
 * The ones'-complement sum of the TCP pseudo-header for IPv4 (RFC 9293
 * §3.1): source address, destination address, a zero octet, the protocol
 * (6) and the TCP length (header plus data).
 */
export function pseudoHeaderSum(
  srcIp: number,
  dstIp: number,
  protocol: number,
  length: number,
): number {
  const p = new Uint8Array(12);
  const v = new DataView(p.buffer);
  v.setUint32(0, srcIp >>> 0);
  v.setUint32(4, dstIp >>> 0);
  v.setUint8(8, 0);
  v.setUint8(9, protocol);
  v.setUint16(10, length);
  return onesComplementSum(p);
}
