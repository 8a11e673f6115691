/** Where the .deb installs the polkit action of the privileged helper. */
export const POLKIT_POLICY = '/usr/share/polkit-1/actions/fr.liglab.walt.bench.policy';

/** The native modules walt-bench loads (serial ports, drives, O_DIRECT buffers, verify hashes, .xz). */
export const NATIVE_MODULES = ['@serialport/bindings-cpp', 'drivelist', '@ronomon/direct-io', 'xxhash-addon', 'lzma-native'];

/** The native modules walt-bench loads on a platform: mountutils (a NAN module) only on macOS, to unmount a card. */
export function nativeModulesOn(platform: NodeJS.Platform): string[] {
  return platform === 'darwin' ? [...NATIVE_MODULES, 'mountutils'] : NATIVE_MODULES;
}

/** What the system check looks at, as facts: the real machine (system-probes.ts) or fakes in unit tests. */
export interface DoctorProbes {
  platform: NodeJS.Platform;
  /** Whether raw disk work goes through a privileged helper this process started (the desktop app on Linux). */
  helperRunning: boolean;
  /** The user this process runs as, with every group it is a member of. */
  user(): { uid: number; name: string; groups: { id: number; name: string }[] };
  /** The absolute path of an executable found in PATH or the usual bin/sbin folders, or null. */
  findExecutable(name: string): string | null;
  /** True when a file exists. */
  fileExists(path: string): boolean;
  /** The serial ports present (/dev/ttyUSB*, ttyACM*, ttyS*, ttyAMA*), their group, mode and whether we can open them. */
  serialPorts(): { path: string; group: string; mode: number; readWrite: boolean }[];
  /** Tries to bind a UDP port on every address and releases it at once: 'ok' or the error code (EACCES, EADDRINUSE...). */
  tryBindUdp(port: number): Promise<string>;
  /** The file capabilities of an executable as getcap prints them ('cap_net_admin,cap_net_raw=eip'), or null. */
  fileCapabilities(path: string): string | null;
  /** The problem of the state folder (not ours, writable by others, a symlink, not writable), or null when sound. */
  stateFolderProblem(): string | null;
  /** The state folder and its cache. */
  home: string;
  cacheDir: string;
  /** Free bytes for an unprivileged user on the filesystem of a folder. */
  freeBytes(dir: string): number;
  /** The virtual drives setting, and whether WALT_BENCH_VIRTUAL_DRIVES=1 forces it. */
  virtualDrives(): { on: boolean; forcedByEnv: boolean };
  /** Loads a native module in this runtime: null when it loads, else the first line of the loader's error. */
  loadNative(name: string): string | null;
  /**
   * Reads the catalog in force (the catalog-source setting, else the shipped one): where it came from and how many
   * artifacts it lists; throws (with the reason) when it can be neither read nor found in the cache.
   */
  catalog(): Promise<{ source: string; origin: 'file' | 'network' | 'cache'; artifacts: number }>;
  /** Runtime versions: Node's, and Electron's when running inside Electron. */
  versions: { node: string; electron: string | null };
}
