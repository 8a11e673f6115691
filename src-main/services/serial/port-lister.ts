import { readdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { adapterName } from '../../core/serial/usb-adapters.js';
import { serialportModule } from '../natives.js';

/** A serial port the machine offers, with what identifies its adapter across re-plugs. */
export interface PortInfo {
  path: string;
  name: string;
  manufacturer: string | null;
  vendorId: string | null;
  productId: string | null;
  serialNumber: string | null;
  /** The stable /dev/serial/by-id/... link to this port, if udev made one. */
  byIdPath: string | null;
}

/** Lists serial ports (serialport's list, which needs udevadm; ptys are never listed: type their path). */
export type PortLister = () => Promise<PortInfo[]>;

const BY_ID = '/dev/serial/by-id';

/** The by-id links: real device path -> link path. */
export function byIdLinks(dir = BY_ID): Map<string, string> {
  const links = new Map<string, string>();
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return links;
  }
  for (const name of names) {
    try {
      links.set(realpathSync(join(dir, name)), join(dir, name));
    } catch {
      // a dangling link while a cable is pulled
    }
  }
  return links;
}

/** The real lister: serialport's list plus friendly names and by-id links. */
export const listSerialPorts: PortLister = async () => {
  const ports = await serialportModule().SerialPort.list();
  const links = byIdLinks();
  return ports.map((p) => ({
    path: p.path,
    name: adapterName(p.vendorId ?? null, p.productId ?? null, p.manufacturer ?? null),
    manufacturer: p.manufacturer ?? null,
    vendorId: p.vendorId?.toLowerCase() ?? null,
    productId: p.productId?.toLowerCase() ?? null,
    serialNumber: p.serialNumber ?? null,
    byIdPath: links.get(p.path) ?? null,
  }));
};
