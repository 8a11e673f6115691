/**
 * The system check's rules on fake probes: each check's state, what it says it found and the exact fix, for root, a
 * technician in dialout, nobody, the desktop app with its helper running, and probes that throw.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DoctorCheckData } from '../../../src-main/api/contract.js';
import { DoctorReport } from '../../../src-main/api/domains/doctor.js';
import type { DoctorProbes } from '../../../src-main/services/doctor/doctor-probes.js';
import { DoctorService, FAIL_FREE, WARN_FREE } from '../../../src-main/services/doctor/doctor-service.js';

const GIB = 1024 ** 3;

/** A Linux machine with every tool, as root, unless overridden. */
function fake(over: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    platform: 'linux',
    helperRunning: false,
    user: () => ({ uid: 0, name: 'root', groups: [{ id: 0, name: 'root' }] }),
    findExecutable: (name) => `/usr/bin/${name}`,
    fileExists: () => true,
    serialPorts: () => [{ path: '/dev/ttyUSB0', group: 'dialout', mode: 0o20660, readWrite: true }],
    tryBindUdp: async () => 'ok',
    fileCapabilities: () => null,
    stateFolderProblem: () => null,
    home: '/home/tech/.config/walt-bench',
    cacheDir: '/home/tech/.config/walt-bench/cache',
    freeBytes: () => 100 * GIB,
    virtualDrives: () => ({ on: false, forcedByEnv: false }),
    loadNative: () => null,
    versions: { node: 'v20.20.2', electron: null },
    catalog: async () => ({ source: '/opt/walt-bench/assets/catalog.json', origin: 'file', artifacts: 5 }),
    ...over,
  };
}

const tech = { uid: 1000, name: 'tech', groups: [{ id: 1000, name: 'tech' }, { id: 20, name: 'dialout' }] };
const nobody = { uid: 65534, name: 'nobody', groups: [{ id: 65534, name: 'nogroup' }] };

async function byId(probes: DoctorProbes): Promise<Record<string, DoctorCheckData>> {
  const report = DoctorReport.parse(await new DoctorService(probes).run());
  return Object.fromEntries(report.checks.map((c) => [c.id, c]));
}

test('root with every tool: every check ok, no fix, worst ok, in the screen order', async () => {
  const report = await new DoctorService(fake()).run();
  assert.equal(report.worst, 'ok');
  assert.deepEqual(report.checks.map((c) => c.id), ['raw-disk', 'serial-access', 'udevadm', 'bench-ports', 'tcpdump', 'state-folder', 'cache-space', 'virtual-drives', 'runtime', 'native-modules', 'catalog']);
  for (const c of report.checks) assert.equal(c.fix, null, `${c.id} has no fix when ok`);
});

test('nobody: raw disk, the serial port and ports 67/69 fail, each with its fix; tcpdump warns', async () => {
  const c = await byId(fake({
    user: () => nobody,
    findExecutable: (n) => (n === 'pkexec' ? null : `/usr/bin/${n}`),
    serialPorts: () => [{ path: '/dev/ttyUSB0', group: 'dialout', mode: 0o20660, readWrite: false }],
    tryBindUdp: async () => 'EACCES',
  }));
  assert.equal(c['raw-disk']!.state, 'fail');
  assert.match(c['raw-disk']!.found, /not root \(uid 65534\); pkexec missing/);
  assert.match(c['raw-disk']!.fix!, /sudo walt-bench .*apt install pkexec/);
  assert.equal(c['serial-access']!.state, 'fail');
  assert.match(c['serial-access']!.found, /cannot open \/dev\/ttyUSB0 read-write.*group dialout, mode 660.*nobody is in nogroup/);
  assert.equal(c['serial-access']!.fix, 'sudo usermod -aG dialout nobody, then log out and back in');
  assert.equal(c['bench-ports']!.state, 'fail');
  assert.match(c['bench-ports']!.fix!, /cap_net_bind_service=\+ep/);
  assert.equal(c.tcpdump!.state, 'warn');
  assert.match(c.tcpdump!.fix!, /setcap cap_net_raw,cap_net_admin=eip \/usr\/bin\/tcpdump/);
});

test('a technician in dialout using the desktop app with its helper: raw disk, ports and tcpdump ok through the helper', async () => {
  const c = await byId(fake({ user: () => tech, helperRunning: true, tryBindUdp: async () => 'EACCES', versions: { node: 'v22.1.0', electron: '38.1.0' } }));
  assert.equal(c['raw-disk']!.state, 'ok');
  assert.match(c['raw-disk']!.found, /privileged helper/);
  assert.equal(c['serial-access']!.state, 'ok');
  assert.equal(c['bench-ports']!.state, 'ok');
  assert.match(c['bench-ports']!.found, /helper binds them/);
  assert.equal(c.tcpdump!.state, 'ok');
  assert.equal(c.runtime!.found, 'Node v22.1.0, Electron 38.1.0');
});

test('without the helper, a missing polkit policy is named with the file the .deb installs', async () => {
  const c = await byId(fake({ user: () => tech, fileExists: () => false }));
  assert.equal(c['raw-disk']!.state, 'fail');
  assert.match(c['raw-disk']!.fix!, /\/usr\/share\/polkit-1\/actions\/fr\.liglab\.walt\.bench\.policy/);
});

test('serial: a root-only port asks for a udev rule, no port and no dialout warns, tcpdump with cap_net_raw is ok', async () => {
  const rootPort = await byId(fake({ user: () => tech, serialPorts: () => [{ path: '/dev/ttyS0', group: 'root', mode: 0o20600, readWrite: false }], fileCapabilities: () => 'cap_net_admin,cap_net_raw=eip' }));
  assert.equal(rootPort['serial-access']!.state, 'fail');
  assert.match(rootPort['serial-access']!.fix!, /udev rule .*GROUP="dialout"/);
  assert.equal(rootPort.tcpdump!.state, 'ok');
  const none = await byId(fake({ user: () => nobody, serialPorts: () => [] }));
  assert.equal(none['serial-access']!.state, 'warn');
  assert.match(none['serial-access']!.fix!, /usermod -aG dialout nobody/);
});

test('missing udevadm fails, missing tcpdump warns, ports in use warn naming the holder to stop', async () => {
  const c = await byId(fake({ findExecutable: () => null, tryBindUdp: async (p) => (p === 67 ? 'EADDRINUSE' : 'ok') }));
  assert.equal(c.udevadm!.state, 'fail');
  assert.equal(c.udevadm!.fix, 'apt install udev');
  assert.equal(c.tcpdump!.state, 'warn');
  assert.equal(c.tcpdump!.fix, 'apt install tcpdump');
  assert.equal(c['bench-ports']!.state, 'warn');
  assert.match(c['bench-ports']!.found, /UDP 67: EADDRINUSE; UDP 69: ok/);
  assert.match(c['bench-ports']!.fix!, /dnsmasq/);
});

test('state folder, free space, virtual drives and an old Node, with their thresholds', async () => {
  const c = await byId(fake({
    stateFolderProblem: () => '/h is writable by every user (mode 0777)',
    freeBytes: () => FAIL_FREE - 1,
    virtualDrives: () => ({ on: true, forcedByEnv: true }),
    versions: { node: 'v18.19.0', electron: null },
  }));
  assert.equal(c['state-folder']!.state, 'fail');
  assert.match(c['state-folder']!.fix!, /chmod 700/);
  assert.equal(c['cache-space']!.state, 'fail');
  assert.equal(c['virtual-drives']!.state, 'warn');
  assert.match(c['virtual-drives']!.fix!, /unset WALT_BENCH_VIRTUAL_DRIVES/);
  assert.equal(c.runtime!.state, 'fail');
  assert.equal((await byId(fake({ freeBytes: () => WARN_FREE - 1 })))['cache-space']!.state, 'warn');
  assert.equal((await byId(fake({ freeBytes: () => WARN_FREE })))['cache-space']!.state, 'ok');
});

test('a probe that throws makes its own check a warning naming the error; the others still run', async () => {
  const report = await new DoctorService(fake({ freeBytes: () => { throw new Error('statfs: ENOENT'); } })).run();
  const cache = report.checks.find((c) => c.id === 'cache-space')!;
  assert.equal(cache.state, 'warn');
  assert.match(cache.found, /the check itself failed: statfs: ENOENT/);
  assert.equal(report.checks.length, 11);
  assert.equal(report.worst, 'warn');
});

test('mountutils (a NAN module) is probed only on macOS, the one platform that loads it', async () => {
  const nan = 'The module mountutils.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.';
  const loadNative = (n: string): string | null => (n === 'mountutils' ? nan : null);
  assert.equal((await byId(fake({ loadNative })))['native-modules']!.state, 'ok');
  assert.equal((await byId(fake({ loadNative, platform: 'darwin' })))['native-modules']!.state, 'fail');
});

test('a native module built for another runtime fails, naming it, the loader error and the rebuild for this Electron', async () => {
  const abi = 'The module xxhash-addon.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.';
  const c = await byId(fake({ loadNative: (n) => (n === 'xxhash-addon' ? abi : null), versions: { node: 'v22.20.0', electron: '45.4.1' } }));
  assert.equal(c['native-modules']!.state, 'fail');
  assert.equal(c['native-modules']!.found, `xxhash-addon: ${abi}`);
  assert.equal(c['native-modules']!.fix, 'rebuild xxhash-addon for Electron 45.4.1 (npx @electron/rebuild -v 45.4.1 -o xxhash-addon), or reinstall walt-bench');
  assert.equal((await byId(fake()))['native-modules']!.state, 'ok');
});

test('catalog: read from its file or the network is ok; the kept copy of an unreachable URL warns; neither fails with the fix', async () => {
  const file = (await byId(fake()))['catalog']!;
  assert.equal(file.state, 'ok');
  assert.match(file.found, /catalog\.json: read from the file \(5 artifacts\)/);
  const net = (await byId(fake({ catalog: async () => ({ source: 'https://cat.example/c.json', origin: 'network', artifacts: 1 }) })))['catalog']!;
  assert.equal(net.state, 'ok');
  assert.match(net.found, /over the network \(1 artifact\)/);
  const cached = (await byId(fake({ catalog: async () => ({ source: 'https://cat.example/c.json', origin: 'cache', artifacts: 2 }) })))['catalog']!;
  assert.equal(cached.state, 'warn');
  assert.match(cached.found, /unreachable: using the copy kept/);
  assert.match(cached.fix!, /network or the URL/);
  const none = await new DoctorService(fake({ catalog: async () => Promise.reject(new Error('catalog https://cat.example/c.json: getaddrinfo ENOTFOUND')) })).run();
  const c = none.checks.find((x) => x.id === 'catalog')!;
  assert.equal(c.state, 'fail');
  assert.equal(none.worst, 'fail');
  assert.match(c.found, /ENOTFOUND: no catalog/);
  assert.match(c.fix!, /catalog source in Settings/);
});
