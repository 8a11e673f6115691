/** Parses a rack's expect map (CSV `mac,model`, one board a line; `#` comments, blank lines and a header allowed). */
export function parseExpectMap(text: string): { ok: true; map: Record<string, string> } | { ok: false; error: string } {
  const map: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/#.*$/, '').trim();
    if (!line) continue;
    const cells = line.split(/[,;\t]/).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
    const where = `line ${i + 1} ("${lines[i]!.trim()}")`;
    if (i === 0 && /^mac$/i.test(cells[0] ?? '')) continue;
    if (cells.length !== 2) return { ok: false, error: `${where}: expected two cells, mac,model` };
    const [mac, model] = cells as [string, string];
    if (!/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(mac)) return { ok: false, error: `${where}: "${mac}" is not a MAC address such as dc:a6:32:01:02:03` };
    const model0 = model.replace(/^walt\.node\./, '');
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(model0)) return { ok: false, error: `${where}: "${model}" is not a node model such as rpi-4-b` };
    const key = mac.toLowerCase().replace(/-/g, ':');
    if (map[key] !== undefined && map[key] !== model0) return { ok: false, error: `${where}: ${key} is already mapped to ${map[key]}` };
    map[key] = model0;
  }
  if (Object.keys(map).length === 0) return { ok: false, error: 'the map names no board (expected lines of mac,model)' };
  return { ok: true, map };
}
