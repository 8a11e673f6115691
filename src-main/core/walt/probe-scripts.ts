/** The line the probe scripts print: the serial side confirms what the network side saw. */
export const PROBE_MARKER = 'WALT-BENCH';

/** U-Boot script served as start.uboot when no image root is given: prints what the board knows, then stops. */
export function ubootProbeScript(): string {
  return [
    `echo ${PROBE_MARKER} start.uboot model=\${node_model} vci=\${bootp_vci} mac=\${ethaddr} ip=\${ipaddr}`,
    `echo ${PROBE_MARKER} probe done: the board fetched and ran start.uboot`,
    'exit',
    '',
  ].join('\n');
}

/** iPXE script served as start.ipxe when no image root is given. */
export function ipxeProbeScript(): string {
  return [
    '#!ipxe',
    `echo ${PROBE_MARKER} start.ipxe model=\${user-class} vci=\${user-class} mac=\${net0/mac} ip=\${net0/ip}`,
    `echo ${PROBE_MARKER} probe done: the board fetched and ran start.ipxe`,
    'shell',
    '',
  ].join('\n');
}

/** A parsed probe line, from the serial console. */
export interface ProbeLine {
  file: string;
  fields: Record<string, string>;
}

/** Reads a probe line ("WALT-BENCH start.uboot model=rpi-4-b vci=walt.node.rpi-4-b mac=... ip=..."). */
export function parseProbeLine(line: string): ProbeLine | null {
  const m = new RegExp(`${PROBE_MARKER} (start\\.\\w+) (.*)$`).exec(line);
  if (!m) return null;
  const fields: Record<string, string> = {};
  for (const pair of m[2]!.trim().split(/\s+/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { file: m[1]!, fields };
}
