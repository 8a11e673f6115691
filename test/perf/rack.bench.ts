/**
 * npm run bench:rack: a rack check with 50 simulated boards on the link at once. The bench (a backend running
 * check.rackStart with a 50-MAC expect map) is in one network namespace, the boards in another joined by a veth
 * pair: each board sends a raw DHCP DISCOVER with its walt.node.* vendor class, REQUESTs its address, takes it and
 * reads start.uboot by TFTP. 45 send the expected model, 5 another: every verdict must be right (45 pass, 5 fail
 * naming both models). Prints the latency from a packet sent to the rack event it causes (DISCOVER -> board-appeared,
 * RRQ -> fetch changed, last ACK -> transfer changed), p50/p99/max; and, with Chromium and the built renderer, the
 * Rack view watching the check live: its frame intervals and long tasks (rack-ui-watch.ts). Root and ip netns.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNetns, netnsAvailable } from '../support/netns.js';
import { CHROMIUM } from '../e2e/support/browser.js';
import type { SimBoard, SimResult } from './rack-inside.js';
import { type RackWatch, watchRack } from './rack-ui-watch.js';

const BOARDS = Number(process.env.BENCH_BOARDS ?? 50);
const WRONG_EVERY = 10;
const INSIDE = join(__dirname, 'rack-inside.ts');
const UI_ROOT = join(__dirname, '..', '..', 'dist', 'renderer');

interface ServerEvent {
  event: string;
  check: string | null;
  mac: string;
  verdict: string;
  at: number;
}

interface Snapshot {
  boards: { mac: string; verdict: string; diagnosis: string | null }[];
}

const pct = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN;
const figures = (xs: number[]): string => `p50 ${pct(xs, 0.5).toFixed(2)} ms, p99 ${pct(xs, 0.99).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms (n=${xs.length})`;

/** Runs a command in a namespace and collects its stdout lines as JSON. */
function spawnJson(
  ns: string,
  args: string[],
  env: Record<string, string> = {},
): { lines: unknown[]; ready: Promise<void>; snapshot: Promise<void>; exited: Promise<number>; stderr: () => string; endInput: () => void } {
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', INSIDE, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: unknown[] = [];
  let onSnapshot: () => void = () => undefined;
  const snapshot = new Promise<void>((r) => (onSnapshot = r));
  let buf = '';
  let err = '';
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on('data', (b: Buffer) => {
    buf += b.toString();
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = JSON.parse(buf.slice(0, i)) as { ready?: boolean; snapshot?: unknown };
      buf = buf.slice(i + 1);
      lines.push(line);
      if (line.ready) onReady();
      if (line.snapshot) onSnapshot();
    }
  });
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number>((r) => child.on('close', (code) => r(code ?? 1)));
  return { lines, ready, snapshot, exited, stderr: () => err, endInput: () => void child.stdin.end() };
}

async function main(): Promise<void> {
  if (!netnsAvailable()) {
    console.log('bench:rack needs root and ip netns: skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wb-rackbench-'));
  let watch: RackWatch | null = null;
  const ns = createNetns({ prefix: 'rackb', tap: 'rbtap0', noIpv6: true });
  const boardsNs = `${ns.name}-b`;
  try {
    // the link: a veth pair, the bench's end carrying the server address, the boards' end a spare one
    execFileSync('ip', ['netns', 'add', boardsNs]);
    const inA = (...a: string[]): string => ns.run('ip', a);
    inA('addr', 'flush', 'dev', 'rbtap0');
    const inB = (...a: string[]): void => void execFileSync('ip', ['netns', 'exec', boardsNs, 'ip', ...a]);
    inA('link', 'add', 'rbv0', 'type', 'veth', 'peer', 'name', 'rbv1');
    inA('link', 'set', 'rbv1', 'netns', boardsNs);
    inA('addr', 'add', `${ns.hostIp}/24`, 'dev', 'rbv0');
    inA('link', 'set', 'rbv0', 'up');
    inB('link', 'set', 'lo', 'up');
    inB('addr', 'add', '192.168.152.254/24', 'dev', 'rbv1');
    inB('link', 'set', 'rbv1', 'up');

    const boards: SimBoard[] = Array.from({ length: BOARDS }, (_, i) => ({
      mac: `02:5a:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`,
      vci: i % WRONG_EVERY === WRONG_EVERY - 1 ? 'walt.node.rpi-3-b-plus' : 'walt.node.rpi-4-b',
    }));
    writeFileSync(join(dir, 'map.json'), JSON.stringify(Object.fromEntries(boards.map((b) => [b.mac, 'rpi-4-b']))));
    writeFileSync(join(dir, 'boards.json'), JSON.stringify(boards));

    const withUi = process.env.BENCH_UI !== '0' && existsSync(CHROMIUM) && existsSync(join(UI_ROOT, 'index.html'));
    const server = spawnJson(ns.name, ['server', 'rbv0', join(dir, 'map.json'), '60'], withUi ? { BENCH_UI_ROOT: UI_ROOT } : {});
    await Promise.race([server.ready, server.exited.then(() => Promise.reject(new Error(`the server ended:\n${server.stderr()}`)))]);
    const url = (server.lines.find((l) => (l as { ready?: boolean }).ready) as { url: string | null }).url;
    watch = withUi && url ? await watchRack(ns.name, url, dir) : null;
    const started = performance.now();
    const sims = spawnJson(boardsNs, ['clients', 'rbv1', ns.hostIp, join(dir, 'boards.json')]);
    sims.endInput();
    await sims.exited;
    await Promise.race([server.snapshot, server.exited]);
    const wallMs = performance.now() - started;
    const ui = watch ? await watch.finish(BOARDS) : null;
    await watch?.close();
    watch = null;
    server.endInput();
    await server.exited;

    const results = sims.lines as SimResult[];
    const events = server.lines.filter((l): l is ServerEvent => typeof (l as ServerEvent).event === 'string');
    const snapshot = (server.lines.find((l) => (l as { snapshot?: Snapshot }).snapshot) as { snapshot: Snapshot } | undefined)?.snapshot;
    if (!snapshot) throw new Error(`no final snapshot:\n${server.stderr()}`);

    // every verdict right: the expected model passes, the other fails naming both models
    const problems: string[] = [];
    // a wrong board is decided at its DISCOVER: when it is the last board, the check ends (and its TFTP server with
    // it) before that board's download, which then times out
    const wrongVci = new Set(boards.filter((b) => b.vci !== 'walt.node.rpi-4-b').map((b) => b.mac));
    for (const r of results) if (r.error && !(wrongVci.has(r.mac) && /^no DATA 1 /.test(r.error))) problems.push(`${r.mac}: ${r.error}`);
    const byMac = new Map(snapshot.boards.map((b) => [b.mac, b]));
    for (const b of boards) {
      const got = byMac.get(b.mac);
      const wrong = b.vci !== 'walt.node.rpi-4-b';
      if (!got) problems.push(`${b.mac}: no row`);
      else if (got.verdict !== (wrong ? 'fail' : 'pass')) problems.push(`${b.mac}: ${got.verdict} (${got.diagnosis ?? ''})`);
      else if (wrong && !/rpi-3-b-plus.*rpi-4-b/.test(got.diagnosis ?? '')) problems.push(`${b.mac}: diagnosis "${got.diagnosis}" names not both models`);
    }
    if (snapshot.boards.length !== boards.length) problems.push(`${snapshot.boards.length} rows for ${boards.length} boards`);

    const first = (mac: string, kind: string, check: string | null, after: number): number | null =>
      events.find((e) => e.mac === mac && e.event === kind && (check === null || e.check === check) && e.at >= after - 1)?.at ?? null;
    /** The last packet a board sent before the event (the earlier ones were held back by a limit and resent). */
    const lastBefore = (r: SimResult, times: number[], kind: string, check: string | null): number | null => {
      const at = events.find((e) => e.mac === r.mac && e.event === kind && (check === null || e.check === check))?.at;
      return at === undefined ? (times[0] ?? null) : (times.filter((t) => t <= at + 1).at(-1) ?? null);
    };
    const lat = { discover: [] as number[], rrq: [] as number[], ack: [] as number[] };
    const wrongs = new Set(boards.filter((b) => b.vci !== 'walt.node.rpi-4-b').map((b) => b.mac));
    for (const r of results) {
      const pairs: [keyof typeof lat, number | null, string, string | null][] = [
        ['discover', lastBefore(r, r.discoverAt, 'board-appeared', null), 'board-appeared', null],
        ['rrq', lastBefore(r, r.rrqAt, 'check-changed', 'fetch'), 'check-changed', 'fetch'],
        ['ack', r.lastAckAt, 'check-changed', 'transfer'],
      ];
      for (const [k, sent, kind, check] of pairs) {
        const got = sent === null ? null : first(r.mac, kind, check, sent);
        if (sent !== null && got !== null) lat[k].push(Math.max(0, got - sent));
        // a wrong board is decided at its DISCOVER: the check may end (every mapped board decided) mid-way its download
        else if (k === 'discover' || !wrongs.has(r.mac)) {
          const seen = events.filter((e) => e.mac === r.mac).map((e) => `${e.event}${e.check ? `:${e.check}` : ''}@${sent === null ? '?' : (e.at - sent).toFixed(1)}`);
          problems.push(`${r.mac}: no ${kind}${check ? ` ${check}` : ''} event after its packet (events, ms after it: ${seen.join(' ')})`);
        }
      }
    }
    const all = [...lat.discover, ...lat.rrq, ...lat.ack];
    const passed = snapshot.boards.filter((b) => b.verdict === 'pass').length;
    console.log(`bench:rack (${BOARDS} simulated boards at once: raw DHCP DISCOVER/REQUEST + TFTP RRQ of start.uboot, over a veth pair)`);
    console.log(`  verdicts: ${passed} pass, ${snapshot.boards.length - passed} fail (expected ${BOARDS - Math.floor(BOARDS / WRONG_EVERY)} pass, ${Math.floor(BOARDS / WRONG_EVERY)} fail naming the model): ${problems.length === 0 ? 'all right' : `${problems.length} WRONG`}`);
    console.log(`  packet sent -> rack event received: ${figures(all)}`);
    console.log(`    DISCOVER -> board-appeared  ${figures(lat.discover)}`);
    console.log(`    RRQ -> fetch changed        ${figures(lat.rrq)}`);
    console.log(`    last ACK -> transfer changed ${figures(lat.ack)}`);
    const range = (xs: number[]): string => `${Math.min(...xs)}-${Math.max(...xs)}`;
    console.log(`  ${events.length} rack events; per board ${range(results.map((r) => r.discoverAt.length))} DISCOVERs (the bench offers <= 10 new boards/s) and ${range(results.map((r) => r.rrqAt.length))} RRQs (32 transfers at once)`);
    console.log(`  rack check start to its end (every mapped board decided) ${(wallMs / 1000).toFixed(2)} s`);
    if (ui) {
      const long = ui.longTasks;
      console.log(`  UI (the Rack view in Chromium, watching the check live): frame interval ${figures(ui.frames)}; ${ui.frames.filter((f) => f > 50).length} frames over 50 ms; ${long.length} long tasks (> 50 ms main thread)${long.length ? `, longest ${Math.max(...long).toFixed(0)} ms` : ''}; ${ui.rows} rows shown`);
      if (ui.rows !== BOARDS) problems.push(`the Rack view shows ${ui.rows} rows for ${BOARDS} boards`);
      for (const e of ui.errors) problems.push(`page: ${e}`);
    } else {
      console.log('  UI: not measured (BENCH_UI=0, no /usr/bin/chromium, or the renderer is not built: npm run build)');
    }
    if (problems.length > 0) {
      console.log(problems.slice(0, 20).join('\n'));
      process.exitCode = 1;
    }
  } finally {
    await watch?.close().catch(() => undefined);
    try {
      execFileSync('ip', ['netns', 'del', boardsNs], { stdio: 'ignore' });
    } catch {
      // not made
    }
    ns.remove();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
