import { readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type * as drivelist from 'drivelist';
import { driveDisplayName } from '../../core/drives/display-name.js';
import type { Drive } from '../../core/drives/drive.js';
import { drivelistModule, lsblkJson } from '../natives.js';
import type { EarlyListing } from './early-listing.js';

/** Anything that can list the drives: drivelist on a real machine, a fake in unit tests. */
export interface DriveLister {
  list(): Promise<Drive[]>;
  /**
   * True when the kernel still gives these listed drives the same size and read-only flag (a few sysfs reads, no
   * lsblk): a list taken a moment ago is then still theirs. Without it a recent list is trusted as it is.
   */
  unchanged?(drives: Drive[]): Promise<boolean>;
  /**
   * When the kernel was asked for the list the last list() gave, if before that call (an lsblk started earlier,
   * Date.now() ms); null when the list was taken by the call itself.
   */
  takenAt?(): number | null;
}

/** An early lsblk older than this is not used: the first list runs its own. */
const EARLY_MAX_AGE_MS = 1000;

/** Each drive's /dev/disk/by-path link, as drivelist's lsblk part adds them (none when the folder is missing). */
async function withDevicePaths(drives: drivelist.Drive[]): Promise<drivelist.Drive[]> {
  const dir = '/dev/disk/by-path/';
  const links = new Map<string, string>();
  for (const name of await readdir(dir).catch(() => [])) {
    const target = await readlink(join(dir, name)).catch(() => null);
    if (target !== null) links.set(resolve(dir, target), join(dir, name));
  }
  return drives.map((d) => ({ ...d, devicePath: links.get(d.device) ?? null }));
}

/** A block device's size (bytes) and read-only flag as the kernel gives them now (sysfs), or null off Linux. */
async function sysfsState(device: string): Promise<{ size: number; readOnly: boolean } | null> {
  if (process.platform !== 'linux') return null;
  const name = basename(await realpath(device).catch(() => device));
  const dir = `/sys/class/block/${name}`;
  const [sectors, ro] = await Promise.all([readFile(`${dir}/size`, 'utf8').catch(() => null), readFile(`${dir}/ro`, 'utf8').catch(() => null)]);
  if (sectors === null || ro === null) return null;
  return { size: Number(sectors.trim()) * 512, readOnly: ro.trim() === '1' };
}

/** Walks up the device's sysfs path looking for a serial number (mmc cards, USB readers and sticks). */
async function serialOf(device: string): Promise<string | null> {
  if (process.platform !== 'linux') return null;
  const name = device.replace(/^\/dev\//, '');
  let dir: string;
  try {
    dir = await realpath(`/sys/block/${name}/device`);
  } catch {
    return null;
  }
  for (let i = 0; i < 6 && dir.startsWith('/sys/devices/'); i += 1) {
    const value = await readFile(join(dir, 'serial'), 'utf8').catch(() => null);
    if (value && value.trim()) return value.trim();
    dir = dirname(dir);
  }
  return null;
}

/**
 * drivelist's description is empty for a virtual device (zram devices are named so the technician sees what they
 * are) and a bare PCI vendor id for a virtio disk ("0x1af4"): that becomes the bus and the size.
 */
function describe(d: drivelist.Drive): string {
  if (!(d.description && d.description.trim()) && /\/zram\d+$/.test(d.device)) return 'zram virtual disk';
  const size = typeof d.size === 'number' && d.size > 0 ? d.size : null;
  return driveDisplayName({ description: d.description ?? '', device: d.device, busType: d.busType ?? 'UNKNOWN', size });
}

/** Converts drivelist's record to walt-bench's Drive. */
export function fromDrivelist(d: drivelist.Drive, serial: string | null): Drive {
  return {
    device: d.device,
    devicePath: d.devicePath ?? null,
    description: describe(d),
    size: typeof d.size === 'number' && d.size > 0 ? d.size : null,
    serial,
    busType: d.busType ?? 'UNKNOWN',
    isReadOnly: Boolean(d.isReadOnly),
    isRemovable: Boolean(d.isRemovable),
    isSystem: Boolean(d.isSystem),
    isVirtual: Boolean(d.isVirtual),
    isUSB: Boolean(d.isUSB),
    isCard: Boolean(d.isCard),
    mountpoints: (d.mountpoints ?? []).map((m) => ({ path: m.path, label: m.label ?? null })),
  };
}

/** The real lister: drivelist plus serial numbers from sysfs (cached per device and size). */
export class DrivelistLister implements DriveLister {
  private readonly serials = new Map<string, string | null>();
  private taken: number | null = null;

  /** `early`: an lsblk started before the first list (a CLI flash): that list takes its output. */
  constructor(private early: EarlyListing | null = null) {}

  async list(): Promise<Drive[]> {
    this.taken = null;
    const raw = (await this.takeEarly()) ?? (await drivelistModule().list());
    return Promise.all(
      raw.map(async (d) => {
        const key = `${d.device}:${d.size ?? 0}`;
        if (!this.serials.has(key)) this.serials.set(key, await serialOf(d.device));
        return fromDrivelist(d, this.serials.get(key) ?? null);
      }),
    );
  }

  takenAt(): number | null {
    return this.taken;
  }

  /** The early lsblk's drives (once, while recent), else null: drivelist lists them. */
  private async takeEarly(): Promise<drivelist.Drive[] | null> {
    const early = this.early;
    this.early = null;
    if (!early || Date.now() - early.startedAt > EARLY_MAX_AGE_MS) return null;
    const stdout = await early.output;
    if (stdout === null) return null;
    let drives: drivelist.Drive[];
    try {
      drives = lsblkJson().parse(stdout);
    } catch {
      return null;
    }
    this.taken = early.startedAt;
    return withDevicePaths(drives);
  }

  async unchanged(drives: Drive[]): Promise<boolean> {
    const now = await Promise.all(drives.map((d) => sysfsState(d.device)));
    return now.every((s, i) => s !== null && s.size === (drives[i]!.size ?? 0) && s.readOnly === drives[i]!.isReadOnly);
  }
}
