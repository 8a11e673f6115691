import { formatBytes } from '../util/format.js';

/** Names of PCI vendor ids lsblk reports as a disk's "vendor" when the disk has no model (virtual machines). */
const PCI_VENDORS: Record<string, string> = {
  '0x1af4': 'Virtio',
  '0x15ad': 'VMware',
  '0x1ab8': 'Parallels',
  '0x80ee': 'VirtualBox',
};

/** Words for a drive bus as drivelist reports it. */
function busName(busType: string, device: string): string | null {
  if (/^\/dev\/vd[a-z]+$/.test(device)) return 'Virtio';
  if (/^\/dev\/nvme\d+n\d+$/.test(device)) return 'NVMe';
  if (/^\/dev\/mmcblk\d+$/.test(device)) return 'SD/MMC';
  switch (busType.toUpperCase()) {
    case 'USB':
      return 'USB';
    case 'SATA':
    case 'ATA':
      return 'SATA';
    case 'NVME':
      return 'NVMe';
    case 'SD':
    case 'MMC':
      return 'SD/MMC';
    case 'SCSI':
      return 'SCSI';
    case 'VIRTUAL':
      return 'Virtual';
    default:
      return null;
  }
}

/**
 * The name a technician sees for a drive: its model text when it has one; a bare PCI vendor id ("0x1af4", what
 * lsblk gives for a virtio disk without a model) becomes the vendor's name with the bus and the size ("Virtio disk,
 * 256.0 GiB"); nothing at all becomes the bus and the size.
 */
export function driveDisplayName(d: { description: string; device: string; busType: string; size: number | null }): string {
  const raw = d.description.trim();
  const hex = /^(0x[0-9a-f]{4})\b\s*(.*)$/i.exec(raw);
  const model = hex ? hex[2]!.trim() : raw;
  if (model) return model;
  const vendor = hex ? (PCI_VENDORS[hex[1]!.toLowerCase()] ?? null) : null;
  const kind = vendor ?? busName(d.busType, d.device);
  const size = d.size !== null && d.size > 0 ? `, ${formatBytes(d.size)}` : '';
  return `${kind ? `${kind} disk` : 'Disk'}${size}`;
}
