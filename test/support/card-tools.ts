import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** `sfdisk -d` of a device or image. */
export function sfdiskDump(path: string): string {
  return execFileSync('sfdisk', ['-d', path], { encoding: 'utf8' });
}

/** `fsck.fat -n` of the partition at 4 MiB (copied out: fsck.fat takes no offset); returns status and output. */
export function fsckPartition(path: string, offsetMiB = 4): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wb-fsck-'));
  try {
    const part = join(dir, 'part.img');
    execFileSync('dd', [`if=${path}`, `of=${part}`, 'bs=1M', `skip=${offsetMiB}`, 'status=none']);
    const r = spawnSync('fsck.fat', ['-n', part], { encoding: 'utf8' });
    return { status: r.status, output: r.stdout + r.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `mdir` of a folder of the FAT partition at 4 MiB. */
export function mdir(path: string, folder = '::/'): string {
  return execFileSync('mdir', ['-i', `${path}@@4M`, folder], { encoding: 'utf8' });
}

/** Copies the whole FAT partition at 4 MiB out with `mcopy -s` and returns every file's bytes by path. */
export function mcopyAll(path: string): Map<string, Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-mcopy-'));
  try {
    execFileSync('sh', ['-c', `mcopy -s -n -m -i "${path}@@4M" "::/*" "${dir}/"`]);
    const out = new Map<string, Buffer>();
    const walk = (rel: string): void => {
      for (const name of readdirSync(join(dir, rel))) {
        const p = rel ? `${rel}/${name}` : name;
        if (statSync(join(dir, p)).isDirectory()) walk(p);
        else out.set(p, readFileSync(join(dir, p)));
      }
    };
    walk('');
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
