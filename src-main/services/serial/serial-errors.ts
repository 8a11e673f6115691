import { ApiError } from '../../api/errors.js';
import { findPortHolders } from './port-holder.js';

/** An open failure in a technician's words, with the fix: permissions (dialout), a port held by another program. */
export function describeOpenError(path: string, error: unknown): ApiError {
  const message = (error as Error)?.message ?? String(error);
  if (/EACCES|Permission denied/i.test(message)) {
    return new ApiError(
      'permission',
      `no permission to open ${path}`,
      'join the dialout group: `sudo usermod -aG dialout $USER`, then log out and back in (or run `newgrp dialout`)',
    );
  }
  if (/Cannot lock port|Resource temporarily unavailable|EBUSY|EAGAIN/i.test(message)) {
    const holders = findPortHolders(path);
    const who = holders.map((h) => `${h.name || 'a process'} (pid ${h.pid}${h.command ? `: ${h.command}` : ''})`).join(', ');
    return new ApiError(
      'refused',
      who ? `${path} is held by another program: ${who}` : `${path} is held by another program`,
      holders.length ? `close it (for example picocom or minicom), or stop it: kill ${holders.map((h) => h.pid).join(' ')}` : 'close the other terminal program that has it open',
    );
  }
  if (/ENOENT|No such file/i.test(message)) {
    return new ApiError('not-found', `${path} does not exist`, 'check the cable, or type the path of the port (ptys are never listed)');
  }
  return new ApiError('io-error', `cannot open ${path}: ${message}`);
}
