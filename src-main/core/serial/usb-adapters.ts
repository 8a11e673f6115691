/** USB-serial adapters a technician meets, by USB vendor:product id (lower-case hex). */
const ADAPTERS: Record<string, string> = {
  '0403:6001': 'FTDI FT232R USB-serial',
  '0403:6010': 'FTDI FT2232 USB-serial',
  '0403:6011': 'FTDI FT4232 USB-serial',
  '0403:6014': 'FTDI FT232H USB-serial',
  '0403:6015': 'FTDI FT230X USB-serial',
  '10c4:ea60': 'Silicon Labs CP210x USB-serial',
  '10c4:ea70': 'Silicon Labs CP2105 USB-serial',
  '1a86:7523': 'WCH CH340 USB-serial',
  '1a86:55d4': 'WCH CH9102 USB-serial',
  '067b:2303': 'Prolific PL2303 USB-serial',
  '067b:23a3': 'Prolific PL2303GC USB-serial',
  '2e8a:000c': 'Raspberry Pi Debug Probe',
  '2e8a:000a': 'Raspberry Pi Pico (USB serial)',
};

/** USB vendors, for adapters not in the table. */
const VENDORS: Record<string, string> = {
  '0403': 'FTDI',
  '10c4': 'Silicon Labs',
  '1a86': 'WCH',
  '067b': 'Prolific',
  '2e8a': 'Raspberry Pi',
  '0483': 'STMicroelectronics',
  '1366': 'SEGGER',
  '0d28': 'Arm (DAPLink)',
  '303a': 'Espressif',
  '239a': 'Adafruit',
  '2341': 'Arduino',
};

/** A friendly name for a serial adapter from its USB ids (and the manufacturer string when unknown). */
export function adapterName(vendorId: string | null, productId: string | null, manufacturer: string | null): string {
  const vid = vendorId?.toLowerCase().padStart(4, '0') ?? null;
  const pid = productId?.toLowerCase().padStart(4, '0') ?? null;
  if (vid && pid) {
    const known = ADAPTERS[`${vid}:${pid}`];
    if (known) return known;
  }
  if (vid && VENDORS[vid]) return `${VENDORS[vid]} USB-serial (${vid}:${pid ?? '?'})`;
  if (manufacturer) return `${manufacturer} serial port`;
  return vid ? `USB-serial ${vid}:${pid ?? '?'}` : 'Serial port';
}
