/** What walt-bench knows about one block device, as reported by the drive lister. */
export interface Drive {
  /** Device node, e.g. /dev/sdb or /dev/mmcblk0. */
  device: string;
  /** Stable path if the platform has one (e.g. /dev/disk/by-path/...). */
  devicePath: string | null;
  /** Vendor/model text shown to the technician. */
  description: string;
  /** Size in bytes; null when the device reports none (e.g. an empty card reader slot). */
  size: number | null;
  /** Hardware serial number when known (USB readers, some cards). */
  serial: string | null;
  /** Bus as reported by the platform (USB, SD, SCSI, VIRTUAL, ...). */
  busType: string;
  isReadOnly: boolean;
  isRemovable: boolean;
  isSystem: boolean;
  isVirtual: boolean;
  isUSB: boolean;
  isCard: boolean;
  /** Mounted partitions: mount path and label. */
  mountpoints: { path: string; label: string | null }[];
}

/** The identity of a drive at the moment the technician selected it. */
export interface DriveIdentity {
  device: string;
  size: number | null;
  description: string;
  serial: string | null;
}

/** Reduces a drive to the fields that identify it. */
export function identityOf(drive: Drive): DriveIdentity {
  return { device: drive.device, size: drive.size, description: drive.description, serial: drive.serial };
}

/** Mount points that mean the drive carries the running system. */
export const SYSTEM_MOUNTPOINTS = ['/', '/boot', '/boot/efi', '/usr', '/var', '/home', '/etc', '[SWAP]'];

/** True when a mount path is one of the running system's own. */
export function isSystemMountpoint(path: string): boolean {
  return SYSTEM_MOUNTPOINTS.includes(path) || path.startsWith('/usr/') || path.startsWith('/var/');
}
