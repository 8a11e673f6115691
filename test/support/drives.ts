import type { Drive } from '../../src-main/core/drives/drive.js';

/** A removable USB card reader drive, overridable field by field. */
export function fakeDrive(over: Partial<Drive> = {}): Drive {
  return {
    device: '/dev/sdb',
    devicePath: null,
    description: 'Generic STORAGE DEVICE',
    size: 32e9,
    serial: '000000001234',
    busType: 'USB',
    isReadOnly: false,
    isRemovable: true,
    isSystem: false,
    isVirtual: false,
    isUSB: true,
    isCard: true,
    mountpoints: [],
    ...over,
  };
}
