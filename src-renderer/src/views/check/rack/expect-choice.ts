import { parseExpectMap } from '../../../../../src-main/core/check/expect-map.js';
import { MODEL_RE } from '../check-steps.js';
import type { CommandInput } from '../../../../../src-main/api/contract.js';

/** How the rack's expected models are given. */
export interface ExpectChoice {
  kind: 'model' | 'map' | 'any';
  model: string;
  /** The expect map as CSV text (mac,model a line). */
  mapText: string;
}

/** The expect field of check.rackStart from the choice, or the problem that stops it. */
export function expectOf(c: ExpectChoice): { ok: true; expect: CommandInput<'check.rackStart'>['expect'] } | { ok: false; problem: string | null } {
  if (c.kind === 'any') return { ok: true, expect: { kind: 'any' } };
  if (c.kind === 'model') {
    const m = c.model.trim();
    if (m === '') return { ok: false, problem: null };
    if (m.startsWith('walt.node.')) return { ok: false, problem: 'Type the model only, without "walt.node.".' };
    if (!MODEL_RE.test(m)) return { ok: false, problem: 'The model is letters, digits, dots, dashes (e.g. rpi-4-b).' };
    return { ok: true, expect: { kind: 'model', model: m } };
  }
  if (c.mapText.trim() === '') return { ok: false, problem: null };
  const parsed = parseExpectMap(c.mapText);
  return parsed.ok ? { ok: true, expect: { kind: 'map', map: parsed.map } } : { ok: false, problem: `Expect map: ${parsed.error}` };
}
