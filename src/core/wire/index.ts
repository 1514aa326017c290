/** Segments as bytes and text: checksums, frames, the field dissector, pcap, tcpdump-style lines, conformance. */
export * from './checksum';
export * from './wire';
export * from './pcap';
export * from './format';
export * from './conformance';
export * from './series';
