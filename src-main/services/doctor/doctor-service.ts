import type { DoctorCheckData, DoctorReportData } from '../../api/contract.js';
import { formatBytes } from '../../core/util/format.js';
import type { DoctorProbes } from './doctor-probes.js';
import { nativeModulesOn, POLKIT_POLICY } from './doctor-probes.js';

type Check = DoctorCheckData;
type CheckId = Check['id'];
type State = Check['state'];

/** Below this, the cache cannot hold one WalT image: fail. Below WARN_FREE, a few images at most: warn. */
export const FAIL_FREE = 1024 ** 3;
export const WARN_FREE = 8 * 1024 ** 3;

const TITLES: Record<CheckId, string> = {
  'raw-disk': 'Raw disk access (writing cards)',
  'serial-access': 'Serial ports (dialout)',
  udevadm: 'udevadm (listing serial ports)',
  'bench-ports': 'DHCP/TFTP ports 67 and 69',
  tcpdump: 'tcpdump (observing a WalT server)',
  'state-folder': 'State folder',
  'cache-space': 'Free space in the cache',
  'virtual-drives': 'Virtual drives',
  runtime: 'Node and Electron',
  'native-modules': 'Native modules',
  catalog: 'Catalog (reachable or cached)',
};

const check = (id: CheckId, state: State, found: string, fix: string | null = null): Check => ({ id, title: TITLES[id], state, found, fix });

/**
 * The system check of `walt-bench doctor`, the station's and the app's System check screen: each check looks at
 * the machine through the probes and says ok / warn / fail, what it found and the exact fix. A probe that throws
 * makes its check a warning naming the error, never the whole report fail.
 */
export class DoctorService {
  constructor(private readonly probes: DoctorProbes) {}

  /** Runs every check, in the order of the screen. */
  async run(): Promise<DoctorReportData> {
    const p = this.probes;
    const user = p.user();
    const steps: [CheckId, () => Check | Promise<Check>][] = [
      ['raw-disk', () => this.rawDisk(user.uid)],
      ['serial-access', () => this.serial(user)],
      ['udevadm', () => this.udevadm()],
      ['bench-ports', () => this.benchPorts(user.uid)],
      ['tcpdump', () => this.tcpdump(user.uid)],
      ['state-folder', () => this.stateFolder(user.name)],
      ['cache-space', () => this.cacheSpace()],
      ['virtual-drives', () => this.virtualDrives()],
      ['runtime', () => this.runtime()],
      ['native-modules', () => this.nativeModules()],
      ['catalog', () => this.catalog()],
    ];
    const checks: Check[] = [];
    for (const [id, run] of steps) {
      try {
        checks.push(await run());
      } catch (e) {
        checks.push(check(id, 'warn', `the check itself failed: ${e instanceof Error ? e.message : String(e)}`, 'run walt-bench doctor again; report the message if it stays'));
      }
    }
    const worst: State = checks.some((c) => c.state === 'fail') ? 'fail' : checks.some((c) => c.state === 'warn') ? 'warn' : 'ok';
    return { worst, user: { uid: user.uid, name: user.name }, platform: p.platform, checks };
  }

  private rawDisk(uid: number): Check {
    const p = this.probes;
    if (uid === 0) return check('raw-disk', 'ok', 'running as root: cards are written directly');
    if (p.helperRunning) return check('raw-disk', 'ok', 'the privileged helper runs as root (authorized through pkexec): it writes the cards');
    if (p.platform !== 'linux') {
      return check('raw-disk', 'fail', `not root, and elevation is not supported yet on ${p.platform}`, 'run walt-bench as an administrator');
    }
    const pkexec = p.findExecutable('pkexec');
    const policy = p.fileExists(POLKIT_POLICY);
    const found = `not root (uid ${uid}); pkexec ${pkexec ? `at ${pkexec}` : 'missing'}; polkit policy ${policy ? 'installed' : `missing (${POLKIT_POLICY})`}`;
    const helperFix = !pkexec
      ? 'install polkit (Debian: apt install pkexec) so the desktop app can start its privileged helper'
      : !policy
        ? `install the walt-bench .deb (it installs ${POLKIT_POLICY}), or the desktop app asks with polkit's generic prompt`
        : 'the desktop app asks for authorization at start: accept it';
    return check('raw-disk', 'fail', `${found}: this process cannot write cards`, `run the CLI or the station as root (sudo walt-bench ...); ${helperFix}`);
  }

  private serial(user: { uid: number; name: string; groups: { id: number; name: string }[] }): Check {
    const ports = this.probes.serialPorts();
    const groups = user.groups.map((g) => g.name);
    const inDialout = groups.includes('dialout');
    const mine = `${user.name} is in ${groups.length ? groups.join(', ') : 'no group'}`;
    const addTo = (group: string): string => `sudo usermod -aG ${group} ${user.name}, then log out and back in`;
    if (ports.length === 0) {
      if (user.uid === 0 || inDialout) return check('serial-access', 'ok', `no serial port plugged in; ${mine}`);
      return check('serial-access', 'warn', `no serial port plugged in; ${mine}, not dialout (USB serial adapters belong to dialout)`, addTo('dialout'));
    }
    const refused = ports.filter((port) => !port.readWrite);
    const described = ports.map((port) => `${port.path} (group ${port.group}, mode ${(port.mode & 0o777).toString(8)})`).join(', ');
    if (refused.length === 0) return check('serial-access', 'ok', `${described}: all open read-write; ${mine}`);
    const fixes = [...new Set(refused.map((port) => port.group))].map((group) =>
      group === 'root'
        ? `give ${refused.filter((port) => port.group === 'root').map((port) => port.path).join(', ')} to dialout with a udev rule (SUBSYSTEM=="tty", GROUP="dialout", MODE="0660") and ${addTo('dialout')}`
        : addTo(group),
    );
    return check('serial-access', 'fail', `cannot open ${refused.map((port) => port.path).join(', ')} read-write: ${described}; ${mine}`, fixes.join('; '));
  }

  private udevadm(): Check {
    if (this.probes.platform !== 'linux') return check('udevadm', 'ok', `not needed on ${this.probes.platform}`);
    const path = this.probes.findExecutable('udevadm');
    if (path) return check('udevadm', 'ok', `found at ${path}`);
    return check('udevadm', 'fail', 'udevadm is missing: serial ports cannot be listed (SerialPort.list runs it)', 'apt install udev');
  }

  private async benchPorts(uid: number): Promise<Check> {
    const results = [await this.probes.tryBindUdp(67), await this.probes.tryBindUdp(69)];
    const found = `binding UDP 67: ${results[0]}; UDP 69: ${results[1]}`;
    if (results.every((r) => r === 'ok')) return check('bench-ports', 'ok', `${found} (${uid === 0 ? 'root' : 'allowed for this user'})`);
    if (results.includes('EACCES')) {
      if (this.probes.helperRunning) return check('bench-ports', 'ok', `${found}: the privileged helper binds them`);
      const node = this.probes.versions.electron ? 'the walt-bench executable' : '$(readlink -f $(command -v node))';
      return check('bench-ports', 'fail', `${found}: ports under 1024 need root or CAP_NET_BIND_SERVICE`, `run the bench as root (sudo walt-bench bench ...), or sudo setcap cap_net_bind_service=+ep ${node}`);
    }
    if (results.includes('EADDRINUSE')) {
      return check('bench-ports', 'warn', `${found}: another DHCP/TFTP server holds them (dnsmasq, a running bench)`, 'stop it for the bench (e.g. sudo systemctl stop dnsmasq), or use --observe, which needs neither port');
    }
    return check('bench-ports', 'warn', found, 'see the error above; walt-bench bench --observe needs neither port');
  }

  private tcpdump(uid: number): Check {
    const path = this.probes.findExecutable('tcpdump');
    if (!path) return check('tcpdump', 'warn', 'tcpdump is missing: observing a real WalT server (--observe) cannot work; serving does not need it', 'apt install tcpdump');
    if (uid === 0) return check('tcpdump', 'ok', `found at ${path}; running as root`);
    if (this.probes.helperRunning) return check('tcpdump', 'ok', `found at ${path}; the privileged helper runs it as root`);
    const caps = this.probes.fileCapabilities(path);
    if (caps && /cap_net_raw/.test(caps)) return check('tcpdump', 'ok', `found at ${path} with ${caps}`);
    return check('tcpdump', 'warn', `found at ${path}, but it cannot capture as this user (capabilities: ${caps ?? 'none'})`, `run the observer as root, or sudo setcap cap_net_raw,cap_net_admin=eip ${path}`);
  }

  private stateFolder(userName: string): Check {
    const problem = this.probes.stateFolderProblem();
    if (!problem) return check('state-folder', 'ok', `${this.probes.home}: a real folder of ${userName}, writable by nobody else`);
    return check('state-folder', 'fail', problem, `sudo chown -R ${userName}: ${this.probes.home} && chmod 700 ${this.probes.home}, or set WALT_BENCH_HOME to a folder of your own`);
  }

  private cacheSpace(): Check {
    const dir = this.probes.cacheDir;
    const free = this.probes.freeBytes(dir);
    const found = `${formatBytes(free)} free for ${dir}`;
    const fix = `free space on that filesystem, or set WALT_BENCH_HOME to a folder on a larger disk`;
    if (free < FAIL_FREE) return check('cache-space', 'fail', `${found}: less than one WalT image (${formatBytes(FAIL_FREE)})`, fix);
    if (free < WARN_FREE) return check('cache-space', 'warn', `${found}: room for a few images only (under ${formatBytes(WARN_FREE)})`, fix);
    return check('cache-space', 'ok', found);
  }

  private virtualDrives(): Check {
    const v = this.probes.virtualDrives();
    if (!v.on) return check('virtual-drives', 'ok', 'off: only real drives are offered as targets');
    if (v.forcedByEnv) return check('virtual-drives', 'warn', 'on, forced by WALT_BENCH_VIRTUAL_DRIVES=1: zram, nbd and loop devices are offered as targets', 'unset WALT_BENCH_VIRTUAL_DRIVES unless you are testing');
    return check('virtual-drives', 'warn', 'on: zram, nbd and loop devices are offered as targets', 'turn off "Show virtual drives" in Settings unless you are testing');
  }

  private nativeModules(): Check {
    const modules = nativeModulesOn(this.probes.platform);
    const failed = modules.map((name) => ({ name, error: this.probes.loadNative(name) })).filter((m) => m.error !== null);
    if (failed.length === 0) return check('native-modules', 'ok', `${modules.join(', ')} load in this runtime`);
    const { electron } = this.probes.versions;
    const names = failed.map((m) => m.name);
    const runtime = electron ? `Electron ${electron}` : `Node ${this.probes.versions.node}`;
    return check(
      'native-modules',
      'fail',
      failed.map((m) => `${m.name}: ${m.error}`).join('; '),
      `rebuild ${names.join(', ')} for ${runtime} (${electron ? `npx @electron/rebuild -v ${electron} -o ${names.join(',')}` : `npm rebuild ${names.join(' ')}`}), or reinstall walt-bench`,
    );
  }

  private async catalog(): Promise<Check> {
    let read: Awaited<ReturnType<DoctorProbes['catalog']>>;
    try {
      read = await this.probes.catalog();
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return check(
        'catalog',
        'fail',
        `${message}: no catalog, so no artifact can be downloaded or found in the cache by name`,
        'check the network or the URL (the catalog is kept once read), or set the catalog source in Settings to a catalog file (or clear it for the shipped one)',
      );
    }
    const listed = `${read.artifacts} artifact${read.artifacts === 1 ? '' : 's'}`;
    if (read.origin === 'cache') {
      return check('catalog', 'warn', `${read.source} is unreachable: using the copy kept from the last time it was read (${listed})`, 'check the network or the URL to get its latest version; downloads of artifacts need the network too');
    }
    return check('catalog', 'ok', `${read.source}: read ${read.origin === 'network' ? 'over the network' : 'from the file'} (${listed})`);
  }

  private runtime(): Check {
    const { node, electron } = this.probes.versions;
    const major = Number(/^v?(\d+)/.exec(node)?.[1] ?? 0);
    const found = `Node ${node}${electron ? `, Electron ${electron}` : ' (not inside Electron)'}`;
    if (major < 20) return check('runtime', 'fail', `${found}: walt-bench needs Node 20 or later`, 'install Node 20 or later (Debian 13: apt install nodejs)');
    return check('runtime', 'ok', found);
  }
}
