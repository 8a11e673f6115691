import { existsSync, lstatSync } from 'node:fs';
import { ApiError } from '../../api/errors.js';
import type { Drive } from '../../core/drives/drive.js';
import { type Caller, grants, octal, R, W, X } from './caller.js';
import { checkCardDevice } from './device-rules.js';
import { checkOutput, type OutputRules, type OutputTarget } from './output-file.js';
import { blockedAncestor, type ResolvedPath, resolvePath, shown } from './resolved-path.js';

/** True when a path is a symlink (a dangling one included). */
function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** What the guard needs: the user commands run for, and the drive list (fresh). */
export interface PathGuardDeps {
  caller: Caller;
  drives: () => Promise<Drive[]>;
}

/**
 * The one place where a caller's path meets the rules: every path is resolved first (realpath, then the device's
 * major:minor), then checked as the CALLER (mode bits and ownership, not root's rights) and, for a block device,
 * against the card rules. Commands open what it returns (the canonical path) and re-check right before opening.
 */
export class PathGuard {
  constructor(private readonly deps: PathGuardDeps) {}

  /** The user paths are checked for. */
  get caller(): Caller {
    return this.deps.caller;
  }

  /** Refuses when the caller lacks `bits` on a resolved path (or cannot reach it). */
  private requireAccess(target: ResolvedPath, bits: number, what: string): void {
    const { caller } = this.deps;
    const stops = blockedAncestor(target.real, caller);
    if (stops || !grants(target.stat, caller, bits)) {
      const why = stops ?? `owner ${target.stat.uid}, mode ${octal(target.stat.mode)}`;
      throw new ApiError('permission', `${shown(target)}: uid ${caller.uid} may not ${what} it (${why})`, 'use a file of yours');
    }
  }

  /**
   * A card, an image or an archive to read (`write` false: inspect) or to edit in place (`write` true: rearm).
   * Block devices meet the card rules on their whole disk; files need the caller's read (and write) rights.
   */
  async card(path: string, write: boolean): Promise<ResolvedPath> {
    const target = resolvePath(path);
    switch (target.kind) {
      case 'block':
        checkCardDevice(target, await this.deps.drives(), write);
        return target;
      case 'file':
      case 'dir':
        if (write && target.kind === 'dir') throw new ApiError('refused', `${shown(target)} is a folder, not a card or an image`);
        this.requireAccess(target, write ? R | W : target.kind === 'dir' ? R | X : R, write ? 'edit' : 'read');
        return target;
      case 'char':
      case 'other':
        throw new ApiError('refused', `${shown(target)} is neither a card (a block device) nor an image file`);
    }
  }

  /**
   * Right before opening a card resolved by `card()`: the same path must still name the same device or file, and
   * a device must still pass the card rules (mount state read fresh from the kernel).
   */
  async recheck(target: ResolvedPath, write: boolean): Promise<void> {
    const now = resolvePath(target.given);
    const same = target.kind === 'block' ? now.stat.rdev === target.stat.rdev : now.stat.dev === target.stat.dev && now.stat.ino === target.stat.ino;
    if (now.real !== target.real || now.kind !== target.kind || !same) {
      throw new ApiError('refused', `${target.given} changed while walt-bench checked it (now ${now.real}): nothing was done`);
    }
    if (now.kind === 'block') checkCardDevice(now, await this.deps.drives(), write);
  }

  /** A file to read as the caller (an image to flash, a log to analyse, an archive to build). */
  readable(path: string): ResolvedPath {
    const target = resolvePath(path);
    if (target.kind !== 'file' && target.kind !== 'dir') {
      throw new ApiError('refused', `${shown(target)} is not a file or a folder`, target.kind === 'block' ? 'a card is read with walt-bench inspect' : undefined);
    }
    this.requireAccess(target, target.kind === 'dir' ? R | X : R, 'read');
    return target;
  }

  /**
   * Like readable() for a path that exists; a missing path passes (null) so the command reports it in its own words
   * (nothing is read from a path that is not there).
   */
  readableIfPresent(path: string): ResolvedPath | null {
    if (!existsSync(path) && !isLink(path)) return null;
    return this.readable(path);
  }

  /**
   * A folder served to the desk link (the bench's image root): a folder of the caller's own that they can read. The
   * TFTP server (root, when the helper binds port 69) jails requests to its canonical path, so it serves only what
   * the caller put there, never e.g. /etc with its root-only files.
   */
  servedFolder(path: string): ResolvedPath {
    const target = resolvePath(path);
    if (target.kind !== 'dir') throw new ApiError('refused', `${shown(target)} is not a folder (the image root is a walt image's root filesystem)`);
    const { caller } = this.deps;
    if (caller.uid !== 0 && target.stat.uid !== caller.uid) {
      throw new ApiError(
        'permission',
        `${shown(target)} belongs to uid ${target.stat.uid}: the bench serves only a folder of the calling user (uid ${caller.uid})`,
        'copy the image root into a folder of yours, or run the bench as that folder\'s owner',
      );
    }
    this.requireAccess(target, R | X, 'read');
    return target;
  }

  /**
   * A folder walt-bench keeps a file of the caller's in (the journal location): a real folder of the caller's own
   * that they can write. A root helper writes there as root, so never into a folder someone else controls.
   */
  writableFolder(path: string, what: string): ResolvedPath {
    if (!existsSync(path)) throw new ApiError('refused', `${path} does not exist: ${what} needs an existing folder`, `create it first (mkdir -p ${path}), or choose another folder`);
    const target = resolvePath(path);
    if (target.kind !== 'dir') throw new ApiError('refused', `${shown(target)} is not a folder: ${what} needs a folder`, 'choose the folder that should hold the file, not a file');
    const { caller } = this.deps;
    if (caller.uid !== 0 && target.stat.uid !== caller.uid) {
      throw new ApiError('permission', `${shown(target)} belongs to uid ${target.stat.uid}, not to you (uid ${caller.uid}): ${what} must be a folder of yours`, 'choose a folder of yours (e.g. under your home)');
    }
    const stops = blockedAncestor(target.real, caller);
    if (stops || !grants(target.stat, caller, W | X)) {
      throw new ApiError('permission', `${shown(target)} is not writable by uid ${caller.uid} (${stops ?? `owner ${target.stat.uid}, mode ${octal(target.stat.mode)}`})`, `make it writable (chmod u+w ${target.real}), or choose another folder`);
    }
    return target;
  }

  /** A serial port: a character device the caller may open read-write themselves (e.g. as a member of dialout). */
  serialPort(path: string): ResolvedPath {
    const target = resolvePath(path);
    if (target.kind !== 'char') throw new ApiError('refused', `${shown(target)} is not a serial port (a character device)`);
    this.requireAccess(target, R | W, 'open');
    return target;
  }

  /** An output file (see checkOutput), checked for this guard's caller. */
  output(path: string, rules: Omit<OutputRules, 'caller'>): OutputTarget {
    return checkOutput(path, { ...rules, caller: this.deps.caller });
  }
}
