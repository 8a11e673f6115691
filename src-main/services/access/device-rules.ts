import { readdirSync, readFileSync } from 'node:fs';
import { ApiError } from '../../api/errors.js';
import { isSystemDrive } from '../../core/drives/constraints.js';
import type { Drive } from '../../core/drives/drive.js';
import type { BlockRef, ResolvedPath } from './resolved-path.js';
import { shown } from './resolved-path.js';

/** The major:minor numbers of a whole disk and of each of its partitions, from sysfs. */
function familyOf(block: BlockRef): Set<string> {
  const name = block.disk.slice('/dev/'.length);
  const family = new Set<string>();
  const read = (file: string): void => {
    try {
      family.add(readFileSync(file, 'utf8').trim());
    } catch {
      // not a device entry
    }
  };
  read(`/sys/class/block/${name}/dev`);
  try {
    for (const entry of readdirSync(`/sys/class/block/${name}`)) {
      if (entry.startsWith(name)) read(`/sys/class/block/${name}/${entry}/dev`);
    }
  } catch {
    // sysfs without the disk: only the device itself
  }
  family.add(`${block.major}:${block.minor}`);
  return family;
}

/**
 * What of a disk (or its partitions) is in use right now, read fresh from the kernel: mount points from
 * /proc/self/mountinfo (by major:minor, whatever name it was mounted under) and swap areas from /proc/swaps.
 */
export function inUse(block: BlockRef): string[] {
  const family = familyOf(block);
  const uses: string[] = [];
  try {
    for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
      const f = line.split(' ');
      if (f[2] && family.has(f[2])) uses.push(f[4] ?? '?');
    }
  } catch {
    // no procfs: drivelist's mount points still apply
  }
  try {
    for (const line of readFileSync('/proc/swaps', 'utf8').split('\n').slice(1)) {
      const dev = line.split(/\s+/)[0];
      if (!dev) continue;
      const name = dev.split('/').pop()!;
      const devNo = (() => {
        try {
          return readFileSync(`/sys/class/block/${name}/dev`, 'utf8').trim();
        } catch {
          return '';
        }
      })();
      if (family.has(devNo)) uses.push(`swap ${dev}`);
    }
  } catch {
    // no swap list
  }
  return uses;
}

/**
 * The card rules for a resolved block device, on its whole disk: listed by the drive lister, not a system drive,
 * and (to be written) neither mounted, nor swap, nor read-only. Returns the drive; throws `refused` naming the cause.
 */
export function checkCardDevice(target: ResolvedPath, drives: Drive[], write: boolean): Drive {
  const block = target.block;
  const name = shown(target);
  if (!block) throw new ApiError('refused', `${name} is a block device the kernel does not list in /sys/dev/block`);
  const drive = drives.find((d) => d.device === block.disk);
  if (!drive) {
    throw new ApiError('refused', `${name} is not on a drive walt-bench lists (walt-bench drives)`, 'point at the card itself, e.g. /dev/sdb');
  }
  if (isSystemDrive(drive)) throw new ApiError('refused', `${name} is on ${block.disk}, a system drive: it is never a target`);
  if (!write) return drive;
  const mounted = [...new Set([...drive.mountpoints.map((m) => m.path), ...inUse(block)])];
  if (mounted.length > 0) {
    throw new ApiError('refused', `${name} is in use (${mounted.join(', ')}): walt-bench edits only cards nothing holds`, 'unmount it first, then try again');
  }
  if (drive.isReadOnly) throw new ApiError('refused', `${name} is read-only (is the card's lock switch on?)`);
  return drive;
}
