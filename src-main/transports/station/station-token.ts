import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newToken } from './auth.js';

/** A lab station's access token and whether this run made it. */
export interface StoredToken {
  token: string;
  /** 'kept': the one of an earlier run; 'new': first run; 'rotated': `--rotate-token` replaced the old one. */
  origin: 'kept' | 'new' | 'rotated';
}

/**
 * The lab station's token in `dir` (station-tls/ of the state directory, mode 0700; the file 0600), so browsers of
 * the lab keep working across restarts; `rotate` replaces it (the old one is refused from then on). Written to a
 * temporary file then renamed: a crash never leaves half a token.
 */
export async function loadOrCreateToken(dir: string, rotate: boolean): Promise<StoredToken> {
  const path = join(dir, 'token');
  const existing = rotate ? null : await readFile(path, 'utf8').then((t) => t.trim(), () => null);
  if (existing && /^[0-9a-f]{32,128}$/.test(existing)) return { token: existing, origin: 'kept' };
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const token = newToken();
  const tmp = `${path}.new`;
  await writeFile(tmp, `${token}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
  return { token, origin: rotate ? 'rotated' : 'new' };
}
