import { scriptImage } from '../../core/net/uboot-script.js';
import { ipxeProbeScript, ubootProbeScript } from '../../core/walt/probe-scripts.js';

/** The files the bench serves when no image root is given: probes that make the board print what it knows. */
export function probeFile(name: string, now: () => number = Date.now): Uint8Array | null {
  switch (name) {
    case 'start.uboot':
      return scriptImage({ script: ubootProbeScript(), name: 'walt-bench probe', arch: 'arm64', time: Math.floor(now() / 1000) });
    case 'start.ipxe':
      return new TextEncoder().encode(ipxeProbeScript());
    default:
      // fit-start.uboot and everything else: File not found (exercises the board's fallback to start.uboot).
      return null;
  }
}
