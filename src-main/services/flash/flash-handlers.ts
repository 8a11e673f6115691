import type { CommandOutput } from '../../api/contract.js';
import type { Handlers } from '../../api/dispatcher.js';
import { checkDrive } from '../../core/drives/constraints.js';
import type { Drive } from '../../core/drives/drive.js';
import type { PathGuard } from '../access/path-guard.js';
import type { DriveWatcher } from '../drives/drive-watcher.js';
import type { Journal } from '../journal/journal.js';
import type { SettingsStore } from '../settings/settings.js';
import type { FlashService } from './flash-service.js';
import { type ImageInfo, inspectImage } from './image-inspect.js';

/** The commands of the Flash capability. */
export type FlashCommandName = 'drives.list' | 'image.inspect' | 'flash.start' | 'flash.add' | 'flash.cancel' | 'flash.status' | 'journal.list';

/** Each drive with its eligibility for an image (or for none). */
export function drivesWithStatus(drives: Drive[], image: ImageInfo | null, settings: Pick<SettingsStore, 'get'>): CommandOutput<'drives.list'> {
  return drives.map((d) => {
    const e = checkDrive(d, {
      // an estimate (gzip ISIZE) is a lower bound of the size: a card below it is too small before anything is written
      imageSize: image ? image.size : null,
      imageSizeIsEstimate: image?.sizeIsEstimate ?? false,
      sourceDevices: image?.sourceDevices ?? [],
      includeVirtual: settings.get().includeVirtualDrives,
      largeDriveBytes: settings.get().largeDriveBytes,
    });
    return { ...d, eligible: e.eligible, needsConfirm: e.needsConfirm, reasons: e.reasons };
  });
}

/** The canonical path of an image the caller may read (a missing one stays as given: inspection says it is missing). */
function checkedPath(guard: PathGuard, path: string): string {
  return guard.readableIfPresent(path)?.real ?? path;
}

/** Handlers of the Flash commands over their services. */
export function flashHandlers(deps: {
  watcher: DriveWatcher;
  flash: FlashService;
  journal: Journal;
  settings: SettingsStore;
  /** Images are read only when the caller may read them (the helper reads as root). */
  guard: PathGuard;
}): Pick<Handlers, FlashCommandName> {
  const { watcher, flash, journal, settings, guard } = deps;
  return {
    // Each image is read by its resolved path, the one the guard checked (not a name a symlink swap could redirect).
    'drives.list': async ({ image, entry }) => {
      // The image check (a .gz is inflated whole) and the drive list (lsblk) run side by side.
      const [info, drives] = await Promise.all([image ? inspectImage(checkedPath(guard, image), entry) : null, watcher.refresh()]);
      return drivesWithStatus(drives, info, settings);
    },
    'image.inspect': async ({ path, entry }) => inspectImage(checkedPath(guard, path), entry),
    'flash.start': async (input) =>
      flash.start({ ...input, image: checkedPath(guard, input.image), ...(input.bmap !== undefined ? { bmap: checkedPath(guard, input.bmap) } : {}) }),
    'flash.add': async ({ sessionId, drive, confirmLarge }) => flash.add(sessionId, drive, confirmLarge),
    'flash.cancel': async ({ sessionId, device }) => flash.cancel(sessionId, device),
    'flash.status': async ({ sessionId }) => flash.status(sessionId),
    'journal.list': async ({ limit }) => journal.read(limit),
  };
}
