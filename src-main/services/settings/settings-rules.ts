import { join } from 'node:path';
import { ApiError } from '../../api/errors.js';
import type { PathGuard } from '../access/path-guard.js';
import type { Settings } from './settings.js';

/** The journal's file name inside its folder (the state folder, or the journal-location setting). */
export const JOURNAL_FILE = 'journal.jsonl';

/**
 * The journal file the settings put in force: `<journalDir>/journal.jsonl`, or the state folder's. The location meets
 * its rules again at each use (settings.json is the user's file: a hand-edited value never met settings.set's checks),
 * and must still be the canonical path it was stored as.
 */
export function journalFileOf(settings: Pick<Settings, 'journalDir'>, defaultFile: string, guard: Pick<PathGuard, 'writableFolder'>): string {
  const dir = settings.journalDir;
  if (!dir) return defaultFile;
  const real = guard.writableFolder(dir, 'the journal location').real;
  if (real !== dir) {
    throw new ApiError('refused', `the journal location ${dir} now leads to ${real} (a link in its path changed)`, `set the journal location again (walt-bench settings set journalDir ${real}), or unset it`);
  }
  return join(dir, JOURNAL_FILE);
}

/** True when a catalog source is a URL (downloaded, kept for offline use), not a file. */
export function isCatalogUrl(source: string): boolean {
  return /^https?:\/\//.test(source);
}

/**
 * The checks a settings patch meets beyond its schema, on the machine and as the caller: the journal location is an
 * existing folder of the caller's they can write, a catalog file is a file they can read. Paths are stored canonical
 * (realpath), so a link swapped later does not move the journal. Refused patches change nothing.
 */
export function checkSettingsPatch(patch: Partial<Settings>, guard: Pick<PathGuard, 'writableFolder' | 'readable'>): Partial<Settings> {
  const next = { ...patch };
  if (typeof patch.journalDir === 'string') {
    next.journalDir = guard.writableFolder(patch.journalDir, 'the journal location').real;
  }
  if (typeof patch.catalogSource === 'string' && !isCatalogUrl(patch.catalogSource)) {
    const target = guard.readable(patch.catalogSource);
    if (target.kind !== 'file') throw new ApiError('refused', `${patch.catalogSource} is a folder: the catalog source is a catalog file (JSON) or an http(s) URL`, 'name the catalog file itself');
    next.catalogSource = target.real;
  }
  return next;
}
