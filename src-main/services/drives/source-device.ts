import { readdir, readlink, stat } from 'node:fs/promises';
import { basename } from 'node:path';

async function diskOf(sysName: string): Promise<string[]> {
  // A device-mapper or md device (LVM, LUKS, RAID) sits on other disks: follow its slaves down.
  const slaves = await readdir(`/sys/block/${sysName}/slaves`).catch(() => [] as string[]);
  if (slaves.length === 0) return [`/dev/${sysName}`];
  const nested = await Promise.all(
    slaves.map(async (s) => {
      const link = await readlink(`/sys/class/block/${s}`).catch(() => s);
      const parts = link.split('/');
      const i = parts.lastIndexOf('block');
      return diskOf(i >= 0 && parts[i + 1] ? parts[i + 1]! : basename(link));
    }),
  );
  return nested.flat();
}

/**
 * The whole-disk block devices (e.g. /dev/sdb) that hold a file, so a technician can never write an image onto
 * the card it is read from. Files on tmpfs or other virtual filesystems give an empty list.
 */
export async function sourceDevicesOf(path: string): Promise<string[]> {
  if (process.platform !== 'linux') return [];
  try {
    const st = await stat(path);
    const major = Math.floor(st.dev / 256) & 0xfff;
    const minor = (st.dev & 0xff) | ((Math.floor(st.dev / 2 ** 12) & 0xfff00) >>> 0);
    if (major === 0) return [];
    const link = await readlink(`/sys/dev/block/${major}:${minor}`);
    // .../block/sdb/sdb1 for a partition, .../block/sdb for a whole disk.
    const parts = link.split('/');
    const blockAt = parts.lastIndexOf('block');
    const disk = blockAt >= 0 && parts[blockAt + 1] ? parts[blockAt + 1]! : basename(link);
    return [...new Set(await diskOf(disk))];
  } catch {
    return [];
  }
}
