/**
 * A Raspberry-Pi-like board for tests: Debian's U-Boot for QEMU's arm64 `virt` machine (real bootloader, real DHCP
 * with option 60 = `bootp_vci`, real TFTP), with its console on a pty and copied to a log file.
 *
 *   const board = await startUbootBoard({ netns: ns, env: { bootp_vci: 'walt.node.rpi-3-b-plus', bootcmd: '...' } });
 *   await board.waitForLog(/Bytes transferred/);
 *   await board.stop();
 *
 * - `env`: the U-Boot default environment (read from u-boot.bin) plus these variables, packed with `mkenvimage`
 *   into the board's second pflash: a non-interactive boot (set `bootdelay: '0'` and a `bootcmd`).
 * - `drive`: a raw disk (an image file or a block device such as /dev/zramN) attached as virtio disk 0; U-Boot's
 *   distro boot scans it for boot.scr(.uimg) on its FAT partition.
 * - `netns`: a namespace from `createNetns`: QEMU runs inside it on its tap (MAC `mac`).
 * - `paused: true`: the CPU waits until `resume()`, so a test can open the pty first (a pty drops what is written
 *   while nobody reads it; the log file always has everything).
 * - `type(text)`: keys typed at the board's console (e.g. to stop autoboot and run commands at the `=> ` prompt).
 * Each board takes a full core: stop() it (SIGTERM then SIGKILL, by PID) as soon as the test has its answer.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetNamespace } from './netns.js';

/** Debian's U-Boot build for qemu_arm64 (package u-boot-qemu). */
export const UBOOT_BIN = '/usr/lib/u-boot/qemu_arm64/u-boot.bin';
const QEMU = 'qemu-system-aarch64';
const PFLASH_SIZE = 64 * 1024 * 1024;
const ENV_SIZE = 0x40000;
/** Frames a board's tap holds while its bootloader does not read them (see startUbootBoard). */
const TAP_QUEUE = 16;

/** Options of startUbootBoard. */
export interface UbootBoardOptions {
  /** Run inside this namespace, attached to its tap. Without it the board has no network device. */
  netns?: NetNamespace;
  /** MAC address of the board's virtio-net device (default 52:54:00:12:34:56). */
  mac?: string;
  /** A raw disk or drive (image file, /dev/zramN) attached as virtio-blk disk 0. */
  drive?: string;
  /** Variables over U-Boot's default environment (packed into pflash with mkenvimage). */
  env?: Record<string, string>;
  /** Start with the CPU stopped; call resume() once the pty is open. */
  paused?: boolean;
  /** Exit QEMU instead of rebooting when U-Boot resets (default false: a reset reboots the board). */
  noReboot?: boolean;
  /** Where the serial log goes (default: a file in the board's temporary directory). */
  serialLog?: string;
  /** Memory size (default 256M). */
  memory?: string;
}

/** A running QEMU U-Boot board. */
export interface UbootBoard {
  pid: number;
  /** The board's serial port (a /dev/pts/N path). */
  pty: string;
  /** The file QEMU copies every console byte to. */
  serialLog: string;
  /** The console output so far (from the log file). */
  log(): string;
  /** Resolves with the first match of the console log, or rejects after timeoutMs with the log. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Types text at the board's console (written to its pty). */
  type(text: string): void;
  /** Starts the CPU of a board started with paused: true. */
  resume(): void;
  /** True once QEMU exited. */
  exited(): boolean;
  /** Kills QEMU by PID (SIGTERM, SIGKILL after 2 s) and removes its temporary files. */
  stop(): Promise<void>;
}

/** True when QEMU and Debian's U-Boot for qemu_arm64 are installed. */
export function ubootBoardAvailable(): boolean {
  if (!existsSync(UBOOT_BIN)) return false;
  try {
    execFileSync(QEMU, ['--version'], { stdio: 'ignore' });
    execFileSync('mkenvimage', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** U-Boot's built-in default environment, read out of u-boot.bin ("key=value" strings ending in two NULs). */
export function defaultUbootEnv(binary = UBOOT_BIN): Map<string, string> {
  const data = readFileSync(binary);
  const start = data.indexOf('bootcmd=run distro_bootcmd\0', 0, 'latin1');
  const env = new Map<string, string>();
  if (start < 0) return env;
  const end = data.indexOf('\0\0', start, 'latin1');
  for (const entry of data.subarray(start, end).toString('latin1').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return env;
}

/** Writes a 64 MiB pflash image holding the default environment with `overrides`. */
export function writeEnvFlash(path: string, overrides: Record<string, string>, dir: string): void {
  const env = defaultUbootEnv();
  for (const [k, v] of Object.entries(overrides)) env.set(k, v);
  const text = join(dir, 'env.txt');
  const bin = join(dir, 'env.part');
  writeFileSync(text, [...env].map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  execFileSync('mkenvimage', ['-s', String(ENV_SIZE), '-o', bin, text]);
  const flash = Buffer.alloc(PFLASH_SIZE, 0xff);
  readFileSync(bin).copy(flash, 0);
  writeFileSync(path, flash);
}

/** Starts a board and waits for its pty; the CPU runs at once unless `paused`. */
export async function startUbootBoard(options: UbootBoardOptions = {}): Promise<UbootBoard> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-uboot-'));
  const serialLog = options.serialLog ?? join(dir, 'serial.log');
  writeFileSync(serialLog, '');
  const args = [
    '-M', 'virt', '-cpu', 'cortex-a57', '-m', options.memory ?? '256M', '-smp', '1',
    '-bios', UBOOT_BIN, '-display', 'none', '-monitor', 'stdio', '-nodefaults',
    '-chardev', `pty,id=ser0,logfile=${serialLog},logappend=on`, '-serial', 'chardev:ser0',
  ];
  if (options.paused) args.push('-S');
  if (options.noReboot) args.push('-no-reboot');
  if (options.env) {
    const flash = join(dir, 'env-flash.bin');
    writeEnvFlash(flash, options.env, dir);
    args.push('-drive', `if=pflash,format=raw,index=1,file=${flash}`);
  }
  if (options.drive) {
    args.push('-drive', `file=${options.drive},format=raw,if=none,id=d0`, '-device', 'virtio-blk-device,drive=d0');
  }
  if (options.netns) {
    // A NIC that is not up yet holds no frames. A tap holds 1000 while QEMU does not read it (until U-Boot's first
    // network command), and U-Boot's virtio-net, handed more than its 32 receive buffers at once, re-posts them
    // without notifying QEMU: it then receives nothing for a whole DHCP round ("BOOTP broadcast 1..17"). On a rack,
    // the other boards' DHCP fills that queue. A short queue drops the old frames, as real hardware does.
    execFileSync(options.netns.wrap()[0]!, [...options.netns.wrap().slice(1), 'ip', 'link', 'set', options.netns.tap, 'txqueuelen', String(TAP_QUEUE)]);
    const mac = options.mac ?? '52:54:00:12:34:56';
    args.push('-netdev', `tap,id=n0,ifname=${options.netns.tap},script=no,downscript=no`);
    args.push('-device', `virtio-net-device,netdev=n0,mac=${mac}`);
  }
  const [cmd, ...rest] = options.netns ? [...options.netns.wrap(), QEMU, ...args] : [QEMU, ...args];
  const child: ChildProcess = spawn(cmd!, rest, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  let hasExited = false;
  const exitedPromise = new Promise<void>((resolve) =>
    child.once('exit', () => {
      hasExited = true;
      resolve();
    }),
  );
  if (child.pid === undefined) throw new Error('qemu did not start');
  const pid = child.pid;

  const kill = async (): Promise<void> => {
    if (!hasExited) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // gone
      }
      const killer = setTimeout(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 2000);
      await exitedPromise;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  let pty: string;
  try {
    pty = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`qemu printed no pty within 10 s:\n${out}`)), 10_000);
      const check = (): void => {
        const m = /char device redirected to (\/dev\/pts\/\d+) \(label ser0\)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stderr?.on('data', check);
      child.stdout?.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`qemu exited (${code}) before giving its pty:\n${out}`));
      });
      check();
    });
  } catch (error) {
    await kill();
    throw error;
  }

  const log = (): string => (existsSync(serialLog) ? readFileSync(serialLog, 'latin1') : '');
  return {
    pid,
    pty,
    serialLog,
    log,
    async waitForLog(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = pattern.exec(log());
        if (m) return m;
        if (Date.now() > deadline) throw new Error(`board console never matched ${pattern} within ${timeoutMs} ms:\n${log()}`);
        if (hasExited) throw new Error(`board exited before its console matched ${pattern}:\n${log()}\n${out}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    type(text) {
      const fd = openSync(pty, 'w');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
    },
    resume() {
      child.stdin?.write('cont\n');
    },
    exited: () => hasExited,
    stop: kill,
  };
}
