import type * as FatFsModule from 'js-fatfs' with { 'resolution-mode': 'import' };
import { SECTOR } from '../../core/card/layout.js';

type Mod = typeof FatFsModule;

/** Where the FatFs instance reads and writes sectors (the volume's sector 0 is `base`). */
export interface SectorTarget {
  sectors: number;
  write(offset: number, data: Uint8Array): void;
  read(offset: number, length: number, out: Uint8Array): void;
  base: number;
}

/** One ChaN FatFs instance (WebAssembly) and its module, with a swappable disk behind it. */
export interface FatFsHandle {
  F: Mod;
  ff: FatFsModule.FatFs;
  /** Runs `fn` with the instance writing to `target`; one build at a time. */
  use<T>(target: SectorTarget, fn: () => Promise<T> | T): Promise<T>;
}

const RESULT_NAMES = [
  'FR_OK', 'FR_DISK_ERR', 'FR_INT_ERR', 'FR_NOT_READY', 'FR_NO_FILE', 'FR_NO_PATH', 'FR_INVALID_NAME', 'FR_DENIED',
  'FR_EXIST', 'FR_INVALID_OBJECT', 'FR_WRITE_PROTECTED', 'FR_INVALID_DRIVE', 'FR_NOT_ENABLED', 'FR_NO_FILESYSTEM',
  'FR_MKFS_ABORTED', 'FR_TIMEOUT', 'FR_LOCKED', 'FR_NOT_ENOUGH_CORE', 'FR_TOO_MANY_OPEN_FILES', 'FR_INVALID_PARAMETER',
];

/** Throws when a FatFs call failed, naming the call and FatFs's result code. */
export function check(result: number, what: string): void {
  if (result !== 0) throw new Error(`FatFs ${what}: ${RESULT_NAMES[result] ?? `error ${result}`}`);
}

let loading: Promise<FatFsHandle> | null = null;

/** Loads js-fatfs (an ES module) once and creates its instance. */
export function fatFs(): Promise<FatFsHandle> {
  loading ??= (async () => {
    const F = (await import('js-fatfs')) as Mod;
    let target: SectorTarget | null = null;
    const ff = await F.create({
      diskio: {
        initialize: () => 0,
        status: () => 0,
        read(ffi, _p, buff, sector, count) {
          const t = target!;
          t.read(t.base + sector * SECTOR, count * SECTOR, ffi.HEAPU8.subarray(buff, buff + count * SECTOR));
          return F.RES_OK;
        },
        write(ffi, _p, buff, sector, count) {
          const t = target!;
          t.write(t.base + sector * SECTOR, ffi.HEAPU8.subarray(buff, buff + count * SECTOR));
          return F.RES_OK;
        },
        ioctl(ffi, _p, cmd, buff) {
          switch (cmd) {
            case F.CTRL_SYNC:
              return F.RES_OK;
            case F.GET_SECTOR_COUNT:
              ffi.setValue(buff, target!.sectors, 'i32');
              return F.RES_OK;
            case F.GET_SECTOR_SIZE:
              ffi.setValue(buff, SECTOR, 'i16');
              return F.RES_OK;
            case F.GET_BLOCK_SIZE:
              ffi.setValue(buff, 8, 'i32'); // 4 KiB: clusters never straddle a flash page
              return F.RES_OK;
            default:
              return F.RES_PARERR;
          }
        },
      },
    });
    let queue: Promise<unknown> = Promise.resolve();
    return {
      F,
      ff,
      use<T>(t: SectorTarget, fn: () => Promise<T> | T): Promise<T> {
        const run = queue.then(async () => {
          target = t;
          try {
            return await fn();
          } finally {
            target = null;
          }
        });
        queue = run.catch(() => undefined);
        return run;
      },
    };
  })();
  return loading;
}
