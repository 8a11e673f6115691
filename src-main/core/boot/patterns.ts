import type { PatternTable } from './pattern.js';
import { LINUX } from './patterns-linux.js';
import { GENERIC, OTHER } from './patterns-other.js';
import { IPXE, PXE_ROM } from './patterns-pxe.js';
import { RPI_BOOTCODE, RPI_EEPROM } from './patterns-rpi.js';
import { UBOOT } from './patterns-uboot.js';

/** Every pattern table, in the order a line tries them (the generic words last). */
export const PATTERN_TABLES: readonly PatternTable[] = [LINUX, UBOOT, RPI_EEPROM, RPI_BOOTCODE, PXE_ROM, IPXE, OTHER, GENERIC];
