/** The U-Boot image a config.txt section boots, and the node models that section serves. */
export interface UbootEntry {
  section: string;
  kernel: string;
  models: string[];
}

/** Which node models a [section] filter of config.txt applies to. */
const SECTION_MODELS: Record<string, string[]> = {
  pi1: ['rpi-b', 'rpi-b-plus'],
  pi2: ['rpi-2-b'],
  pi3: ['rpi-3-b', 'rpi-3-b-plus'],
  'pi3+': ['rpi-3-b-plus'],
  pi4: ['rpi-4-b', 'rpi-400'],
  pi400: ['rpi-400'],
  pi5: ['rpi-5-b'],
  all: ['rpi-b', 'rpi-b-plus', 'rpi-2-b', 'rpi-3-b', 'rpi-3-b-plus', 'rpi-4-b', 'rpi-400', 'rpi-5-b'],
};

/** Which node models a walt-node-boot U-Boot image is built for (by its file name). */
export function modelsOfUbootImage(file: string): string[] | null {
  const m = /^u-boot-rpi-(b|2-b|3-b|4-b|5-b)(-64b)?(-debug)?\.img$/i.exec(file);
  if (!m) return null;
  switch (m[1]!.toLowerCase()) {
    case 'b':
      return ['rpi-b', 'rpi-b-plus'];
    case '2-b':
      return ['rpi-2-b'];
    case '3-b':
      return ['rpi-3-b', 'rpi-3-b-plus'];
    case '4-b':
      return ['rpi-4-b', 'rpi-400'];
    default:
      return ['rpi-5-b'];
  }
}

/**
 * Reads config.txt (and the files it includes, through `include`) and lists the U-Boot images it boots per
 * [section]: the models served are those both the section filter and the U-Boot image are for.
 */
export function parseConfigTxt(text: string, include: (name: string) => string | null = () => null, depth = 0): UbootEntry[] {
  const out: UbootEntry[] = [];
  let section = 'all';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const sec = /^\[([^\]]+)\]$/.exec(line);
    if (sec) {
      section = sec[1]!.trim().toLowerCase();
      continue;
    }
    const inc = /^include\s+(\S+)$/.exec(line);
    if (inc && depth < 4) {
      const body = include(inc[1]!);
      if (body !== null) {
        for (const e of parseConfigTxt(body, include, depth + 1)) {
          out.push(section === 'all' ? e : { ...e, section, models: e.models.filter((m) => (SECTION_MODELS[section] ?? []).includes(m)) });
        }
      }
      continue;
    }
    const kv = /^kernel\s*=\s*(\S+)$/.exec(line);
    if (!kv) continue;
    const kernel = kv[1]!;
    const forImage = modelsOfUbootImage(kernel);
    if (!forImage) continue;
    const forSection = SECTION_MODELS[section] ?? [];
    out.push({ section, kernel, models: forImage.filter((m) => forSection.includes(m)) });
  }
  return out;
}

/** The node models a card serves: those of the entries whose U-Boot image is on the card. */
export function servedModels(entries: UbootEntry[], hasFile: (name: string) => boolean): { models: string[]; missing: string[] } {
  const models = new Set<string>();
  const missing = new Set<string>();
  for (const e of entries) {
    if (!hasFile(e.kernel)) {
      missing.add(e.kernel);
      continue;
    }
    for (const m of e.models) models.add(m);
  }
  return { models: [...models], missing: [...missing] };
}
