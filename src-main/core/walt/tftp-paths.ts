/** Where a TFTP request is served from, as the WalT server maps it. */
export type TftpResolution =
  | { ok: true; path: string[] }
  | { ok: false; code: 'access-violation' | 'not-found'; reason: string };

/**
 * Maps a requested TFTP file name to a path under the image root, the way WalT's server does: the old names
 * `boot/rpi-*.uboot` -> start.uboot and `boot/pc-x86-64.ipxe` (or -32) -> start.ipxe, then every path P ->
 * `boot/<model>/P`. Leading slashes are dropped; `..`, empty and backslash components are refused (the jail).
 */
export function resolveTftpPath(requested: string, model: string | null): TftpResolution {
  let name = requested.replace(/^\/+/, '');
  if (/^boot\/rpi-[^/]*\.uboot$/.test(name)) name = 'start.uboot';
  else if (/^boot\/pc-x86-(64|32)\.ipxe$/.test(name)) name = 'start.ipxe';
  const parts = name.split('/');
  if (name === '' || parts.some((p) => p === '..' || p === '.' || p === '' || p.includes('\\') || p.includes('\0'))) {
    return { ok: false, code: 'access-violation', reason: `"${requested}" leaves the TFTP root or is not a file name` };
  }
  if (model === null) {
    return { ok: false, code: 'not-found', reason: `no walt.node model known for this client: cannot map "${requested}"` };
  }
  if (model.includes('/') || model.includes('..')) {
    return { ok: false, code: 'access-violation', reason: `model "${model}" is not a plain name` };
  }
  return { ok: true, path: ['boot', model, ...parts] };
}
