/**
 * Vendor of a MAC from its OUI, for the boards a WalT desk sees. Raspberry Pi Trading / Foundation OUIs and the
 * QEMU/KVM default prefix only (no other OUI was verified against the IEEE registry in time, so none is listed).
 */
const VENDORS: Record<string, string> = {
  'b8:27:eb': 'Raspberry Pi',
  'dc:a6:32': 'Raspberry Pi',
  'e4:5f:01': 'Raspberry Pi',
  'd8:3a:dd': 'Raspberry Pi',
  '2c:cf:67': 'Raspberry Pi',
  '28:cd:c1': 'Raspberry Pi',
  '52:54:00': 'QEMU/KVM',
};

/** The vendor of a MAC ("aa:bb:cc:..", ':' or '-' separated, any case), "locally administered", or null when unknown. */
export function macVendor(mac: string): string | null {
  const octets = mac.trim().toLowerCase().split(/[:-]/);
  if (octets.length !== 6 || !octets.every((o) => /^[0-9a-f]{2}$/.test(o))) return null;
  const oui = octets.slice(0, 3).join(':');
  const known = VENDORS[oui];
  if (known) return known;
  if ((parseInt(octets[0] ?? '0', 16) & 0x02) !== 0) return 'locally administered';
  return null;
}
