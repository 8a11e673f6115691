/**
 * `walt-bench settings [--json]`, `settings set KEY VALUE`, `settings unset KEY`: the per-user settings from the CLI
 * (the same settings.get/settings.set as the Settings view, so the same validation and the same refusals).
 */
import { resolve } from 'node:path';
import type { ApiClient, SettingsData } from '../../api/contract.js';
import { DEFAULT_SETTINGS } from '../../services/settings/settings.js';
import { isCatalogUrl } from '../../services/settings/settings-rules.js';
import { EXIT, parse, UsageError } from '../args.js';
import { jsonLine } from '../output.js';

type Key = keyof SettingsData;
/** How each setting is typed on the command line (station slots have their own command: slots enroll/forget). */
const KINDS: Partial<Record<Key, 'number' | 'boolean' | 'text' | 'path' | 'catalog'>> = {
  verify: 'boolean',
  includeVirtualDrives: 'boolean',
  largeDriveBytes: 'number',
  defaultBaud: 'number',
  benchIface: 'text',
  catalogSource: 'catalog',
  journalDir: 'path',
  serialLogMiB: 'number',
  serialLogFiles: 'number',
  stationSizeLimitBytes: 'number',
};

function keyOf(name: string | undefined): Key {
  if (name && name in KINDS) return name as Key;
  if (name === 'stationSlots') throw new UsageError('station slots are set with walt-bench slots enroll|forget <slot>');
  throw new UsageError(`name a setting: ${Object.keys(KINDS).join(', ')}`);
}

/** The typed value of a setting as given on the command line (paths made absolute, relative to here). */
function valueOf(key: Key, text: string): SettingsData[Key] {
  const kind = KINDS[key];
  if (kind === 'boolean') {
    if (text !== 'true' && text !== 'false') throw new UsageError(`${key} is true or false`);
    return text === 'true';
  }
  if (kind === 'number') return Number(text);
  if (kind === 'path' || (kind === 'catalog' && !isCatalogUrl(text))) return resolve(text);
  return text;
}

/** Prints the settings, or changes one and prints the result. */
export async function settingsCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  const [action, name, value, ...extra] = positionals;
  let settings: SettingsData;
  if (action === undefined) {
    settings = await api.call('settings.get', {});
  } else if (action === 'set') {
    const key = keyOf(name);
    if (value === undefined || extra.length > 0) throw new UsageError(`usage: walt-bench settings set ${key} VALUE`);
    settings = await api.call('settings.set', { [key]: valueOf(key, value) });
  } else if (action === 'unset') {
    const key = keyOf(name);
    if (value !== undefined) throw new UsageError(`usage: walt-bench settings unset ${key}`);
    settings = await api.call('settings.set', { [key]: DEFAULT_SETTINGS[key] });
  } else {
    throw new UsageError('usage: walt-bench settings [--json] | settings set KEY VALUE | settings unset KEY');
  }
  if (values.json) jsonLine(settings);
  else for (const [key, v] of Object.entries(settings)) console.log(`${key.padEnd(22)} ${v === null ? '(none)' : Array.isArray(v) ? v.join(', ') || '(none)' : String(v)}`);
  return EXIT.ok;
}
