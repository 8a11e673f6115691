/**
 * The boot-log corpus: ../shared/bootlogs and test/fixtures/bootlogs, each transcript with its label and the source
 * it came from. Shared by the corpus tests and `npm run eval:analyzer`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SHARED_BOOTLOGS = join(__dirname, '..', '..', '..', 'shared', 'bootlogs');
export const FIXTURE_BOOTLOGS = join(__dirname, '..', 'fixtures', 'bootlogs');

export interface Transcript {
  /** The number in its file name (`20`, `137`): what a pattern's `from` names. */
  id: string;
  file: string;
  path: string;
  bytes: Buffer;
  outcome: string;
  confidence: 'high' | 'low';
  bootloader: string;
  /** The source (a thread, a page, a repository): everything from one source lands on the same half. */
  source: string;
  half: 0 | 1;
}

/** The source key of a label: a GitHub repository (issues and files alike), else the URL without its fragment. */
export function sourceKey(meta: { source_url?: string; source_repo?: string }): string {
  const url = meta.source_url ?? '';
  if (meta.source_repo) return `repo:${meta.source_repo.toLowerCase()}`;
  const gh = /github\.com\/([^/]+\/[^/#?]+)\/(?:issues|pull|blob|tree|discussions)\//.exec(url);
  if (gh) return `repo:${gh[1]!.toLowerCase()}`;
  return url.replace(/#.*$/, '').replace(/\/+$/, '').toLowerCase();
}

/** FNV-1a of a string: the half a source falls in. */
function halfOf(key: string): 0 | 1 {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return (h & 1) as 0 | 1;
}

export function loadCorpus(): Transcript[] {
  const out: Transcript[] = [];
  for (const dir of [SHARED_BOOTLOGS, FIXTURE_BOOTLOGS]) {
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.log')).sort()) {
      const meta = JSON.parse(readFileSync(join(dir, file.replace(/\.log$/, '.meta.json')), 'utf8')) as Record<string, string>;
      const source = sourceKey(meta);
      out.push({
        id: /^(\d+)-/.exec(file)![1]!,
        file,
        path: join(dir, file),
        bytes: readFileSync(join(dir, file)),
        outcome: meta.outcome!,
        confidence: meta.confidence === 'low' ? 'low' : 'high',
        bootloader: meta.bootloader ?? 'unknown',
        source,
        half: halfOf(source),
      });
    }
  }
  return out;
}
