import { readdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { CommandOutput } from '../../api/contract.js';
import { ApiError } from '../../api/errors.js';
import { IMAGE_EXTENSIONS } from '../../core/flash/source-kind.js';

/** A directory listing for the file chooser (folders first, images flagged). */
export async function listDir(dir: string): Promise<CommandOutput<'fs.list'>> {
  const abs = resolve(dir);
  let names: string[];
  try {
    names = await readdir(abs);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ApiError('not-found', `cannot open folder ${abs} (${code ?? 'error'})`);
  }
  const entries = await Promise.all(
    names
      .filter((n) => !n.startsWith('.'))
      .map(async (name) => {
        const path = join(abs, name);
        const st = await stat(path).catch(() => null);
        if (!st || (!st.isDirectory() && !st.isFile())) return null;
        const lower = name.toLowerCase();
        return {
          name,
          path,
          kind: st.isDirectory() ? ('dir' as const) : ('file' as const),
          size: st.isDirectory() ? 0 : st.size,
          isImage: st.isFile() && IMAGE_EXTENSIONS.some((e) => lower.endsWith(e)),
        };
      }),
  );
  const list = entries.filter((e): e is NonNullable<typeof e> => e !== null);
  list.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  return { dir: abs, parent: abs === '/' ? null : dirname(abs), entries: list };
}
