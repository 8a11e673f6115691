import { resolve } from 'node:path';
import type { ApiClient, CommandOutput } from '../../api/contract.js';
import { describeArtifactKind } from '../../core/card/artifact-kind.js';
import { formatBytes } from '../../core/util/format.js';
import { EXIT, parse, UsageError } from '../args.js';
import { cell, jsonLine } from '../output.js';

/**
 * `walt-bench card build <archive> -o <image> [--overwrite] [--card-size BYTES] [--label L] [--json]`: builds a FAT32
 * card image into a file (an existing file is replaced only with --overwrite; a folder, a device or the source never).
 */
export async function cardCommand(api: ApiClient, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'build') throw new UsageError('usage: walt-bench card build <archive|folder> -o <image> [--overwrite] [--card-size BYTES] [--label LABEL] [--json]');
  const { values, positionals } = parse(rest, {
    output: { type: 'string', short: 'o' },
    overwrite: { type: 'boolean' },
    'card-size': { type: 'string' },
    label: { type: 'string' },
    json: { type: 'boolean' },
  });
  if (positionals.length !== 1 || !values.output) throw new UsageError('usage: walt-bench card build <archive|folder> -o <image>');
  const cardBytes = values['card-size'] === undefined ? undefined : Number(values['card-size']);
  if (cardBytes !== undefined && !(cardBytes > 0)) throw new UsageError('--card-size is a number of bytes');
  const r = await api.call('card.build', {
    source: resolve(positionals[0]!),
    output: resolve(values.output),
    overwrite: values.overwrite === true,
    ...(cardBytes ? { cardBytes } : {}),
    ...(values.label ? { label: values.label } : {}),
  });
  if (values.json) jsonLine(r);
  else {
    process.stdout.write(
      `${r.output}: ${formatBytes(r.imageBytes)} image, one FAT32 partition of ${formatBytes(r.partitionBytes)} at 4 MiB\n` +
        `  ${r.files} files and ${r.dirs} folders (${formatBytes(r.contentBytes)}), ${r.artifact}, built in ${r.buildMs} ms\n` +
        `  ${formatBytes(r.dataBytes)} of data (the rest is holes: written sparse to cards)\n`,
    );
  }
  return EXIT.ok;
}

/** Prints an inspection report for a technician. */
function printReport(r: CommandOutput<'card.inspect'>): void {
  const out: string[] = [`${r.path} (${r.source}, ${formatBytes(r.size)})`];
  out.push(`  partition table: ${r.table}`);
  for (const p of r.partitions) {
    const fs = p.filesystem
      ? `${p.filesystem.type} label "${p.filesystem.label ?? p.filesystem.bootLabel}", ${p.filesystem.files} files, ${p.filesystem.dirs} folders`
      : 'no FAT filesystem';
    out.push(`  ${cell(`#${p.index}`, 4)} ${cell(p.type, 24)} at ${formatBytes(p.start)} (sector ${p.start / 512}), ${formatBytes(p.size)}: ${fs}`);
  }
  out.push(`  artifact: ${r.artifact} (${describeArtifactKind(r.artifact)}): ${r.artifactReason}`);
  out.push(`  walt.date: ${r.waltDate ? `${r.waltDate.text}${r.waltDate.iso ? ` (${r.waltDate.iso})` : ''}` : 'none'}`);
  if (r.models.length > 0 || r.missingUboot.length > 0) out.push(`  serves node models: ${r.models.join(', ') || 'none'}`);
  if (r.missingUboot.length > 0) out.push(`  config.txt boots missing files: ${r.missingUboot.join(', ')}`);
  if (r.recovery) {
    const says = {
      armed: 'recovery.bin in place: ready to flash a board EEPROM',
      used: 'recovery.bin was renamed RECOVERY.000 by a board: run walt-bench rearm before the next board',
      both: 'both recovery.bin and RECOVERY.000: delete RECOVERY.000',
      none: 'no recovery.bin',
    }[r.recovery];
    out.push(`  recovery: ${says}`);
  }
  for (const n of r.notes) out.push(`  note: ${n}`);
  process.stdout.write(out.join('\n') + '\n');
}

/** `walt-bench inspect <device|image|archive> [--json]`. */
export async function inspectCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: walt-bench inspect <device|image|archive> [--json]');
  const r = await api.call('card.inspect', { path: resolve(positionals[0]!) });
  if (values.json) jsonLine(r);
  else printReport(r);
  return EXIT.ok;
}

/** `walt-bench rearm <device|image> [--json]`: renames RECOVERY.000 back to recovery.bin in place. */
export async function rearmCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError('usage: walt-bench rearm <device|image> [--json]');
  const r = await api.call('card.rearm', { path: resolve(positionals[0]!) });
  if (values.json) jsonLine(r);
  else process.stdout.write(r.message + '\n');
  return EXIT.ok;
}

/** `walt-bench catalog [--catalog FILE|URL] [--model M] [--json]`: node models, what each needs, the cache. */
export async function catalogCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values } = parse(argv, { catalog: { type: 'string' }, model: { type: 'string' }, json: { type: 'boolean' } }, false);
  const r = await api.call('catalog.get', values.catalog ? { catalog: values.catalog } : {});
  if (values.json) {
    jsonLine(r);
    return EXIT.ok;
  }
  const models = values.model ? r.catalog.models.filter((m) => m.id === values.model) : r.catalog.models;
  if (values.model && models.length === 0) throw new UsageError(`the catalog has no model "${values.model}" (${r.catalog.models.map((m) => m.id).join(', ')})`);
  const out = [`${r.catalog.name} (${r.catalog.baseUrl})`, ''];
  for (const m of models) {
    const a = r.catalog.artifacts.find((x) => x.id === m.artifact);
    out.push(`${cell(m.id, 13)} ${a ? a.file : 'nothing'} -> ${m.medium}`, `              ${m.why}`, `              then: ${m.after}`);
  }
  out.push('', 'artifacts:');
  for (const a of r.catalog.artifacts) {
    const c = r.cached[a.id];
    out.push(`  ${cell(a.id, 18)} ${cell(a.file, 26)} ${c ? `cached ${c.path} (sha256 ${c.sha256.slice(0, 12)}...)` : 'not downloaded'}`);
  }
  for (const l of r.local) out.push(`  ${cell('(local)', 18)} ${cell(l.file, 26)} ${l.path}`);
  process.stdout.write(out.join('\n') + '\n');
  return EXIT.ok;
}

/** `walt-bench download <artifact|model> [--catalog FILE|URL] [--json]`; `download --add FILE` adds a local file. */
export async function downloadCommand(api: ApiClient, argv: string[]): Promise<number> {
  const { values, positionals } = parse(argv, { catalog: { type: 'string' }, add: { type: 'string' }, json: { type: 'boolean' } });
  if (values.add) {
    const r = await api.call('catalog.add-local', { path: resolve(values.add) });
    if (values.json) jsonLine(r);
    else process.stdout.write(`${r.path}: added to the cache (sha256 ${r.sha256})\n`);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('usage: walt-bench download <artifact|model> [--catalog FILE|URL] [--json]');
  const off = api.on('catalog.progress', (p) => {
    if (values.json) jsonLine({ event: 'progress', ...p });
    else if (process.stderr.isTTY) process.stderr.write(`\r${p.artifact}: ${formatBytes(p.bytes)}${p.total ? ` of ${formatBytes(p.total)}` : ''}   `);
  });
  try {
    const r = await api.call('catalog.download', { artifact: positionals[0]!, ...(values.catalog ? { catalog: values.catalog } : {}) });
    if (values.json) jsonLine({ event: 'done', ...r });
    else process.stdout.write(`${process.stderr.isTTY ? '\n' : ''}${r.path}: ${formatBytes(r.size)}, sha256 ${r.sha256}${r.fromCache ? ' (from the cache)' : ''}\n`);
  } finally {
    off();
  }
  return EXIT.ok;
}
