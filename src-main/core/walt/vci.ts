/** The prefix every WalT bootloader puts before its node model in the DHCP vendor or user class. */
export const WALT_CLASS_PREFIX = 'walt.node.';

/** Raspberry Pi Ltd's MAC prefixes (OUIs): their EEPROM firmware sends PXE requests before U-Boot runs. */
export const RASPBERRY_PI_OUIS = ['b8:27:eb', 'dc:a6:32', 'e4:5f:01', 'd8:3a:dd', '28:cd:c1', '2c:cf:67', '88:a2:9e'];

/** True when a MAC address belongs to a Raspberry Pi board. */
export function isRaspberryPiMac(mac: string): boolean {
  return RASPBERRY_PI_OUIS.includes(mac.toLowerCase().slice(0, 8));
}

/** The node model in a `walt.node.<model>` class, or null. Any non-empty model string is a model (new boards too). */
export function modelOf(klass: string | undefined | null): string | null {
  if (!klass || !klass.startsWith(WALT_CLASS_PREFIX)) return null;
  const model = klass.slice(WALT_CLASS_PREFIX.length);
  return model.length > 0 ? model : null;
}

/** True for a valid-looking model: what WalT can turn into `waltplatform/<model>-default` (an image name). */
export function isPlausibleModel(model: string): boolean {
  return /^[a-z0-9][a-z0-9._-]*$/.test(model) && !model.endsWith('.dtb');
}

/** What a DHCP client said about itself, as WalT's server reads it. */
export interface ClientIdentity {
  /** Which option WalT would use: the user class when it starts with walt.node, else the vendor class. */
  source: 'uci' | 'vci' | 'none';
  /** The class string WalT would use. */
  value: string | null;
  /** The model it names, or null. */
  model: string | null;
  /** What kind of bootloader this looks like. */
  kind: 'walt' | 'uboot-default' | 'rpi-firmware' | 'pxe-firmware' | 'other' | 'none';
}

/** Reads a client's identity the way WalT's server does: user class first if it is a walt one, else vendor class. */
export function identify(vendorClass: string | undefined, userClass: string[] | undefined, mac: string): ClientIdentity {
  const uci = userClass?.find((u) => u.startsWith(WALT_CLASS_PREFIX));
  if (uci) return { source: 'uci', value: uci, model: modelOf(uci), kind: 'walt' };
  if (!vendorClass) return { source: 'none', value: null, model: null, kind: 'none' };
  const model = modelOf(vendorClass);
  const kind: ClientIdentity['kind'] = model
    ? 'walt'
    : /^U-Boot(\.|$)/.test(vendorClass)
      ? 'uboot-default'
      : vendorClass.startsWith('PXEClient')
        ? isRaspberryPiMac(mac)
          ? 'rpi-firmware'
          : 'pxe-firmware'
        : 'other';
  return { source: 'vci', value: vendorClass, model, kind };
}

/** The verdict on a client's identity against the model the technician expects. */
export interface IdentityVerdict {
  ok: boolean;
  /** A sentence in a technician's words, naming what was seen and what was expected. */
  explanation: string;
}

/** Says whether what the board sent matches `walt.node.<expected>`, and if not, why it probably does not. */
export function judgeIdentity(id: ClientIdentity, expected: string): IdentityVerdict {
  const want = `${WALT_CLASS_PREFIX}${expected}`;
  const option = id.source === 'uci' ? 'user class (option 77)' : 'vendor class (option 60)';
  switch (id.kind) {
    case 'walt':
      if (id.model === expected) return { ok: true, explanation: `sent ${option} ${id.value} (expected ${expected}): OK` };
      if (id.model?.endsWith('.dtb')) {
        return {
          ok: false,
          explanation:
            `sent ${option} ${id.value}, expected ${want}: U-Boot derived the model from a device-tree file it does ` +
            `not know (${id.model}): this board is not supported by this U-Boot build (wrong card, or a board variant such as a CM4)`,
        };
      }
      return {
        ok: false,
        explanation: `sent ${option} ${id.value}, expected ${want}: the card or U-Boot build is for ${id.model}, not ${expected} (wrong card in this board?)`,
      };
    case 'uboot-default':
      return {
        ok: false,
        explanation: `sent vendor class ${id.value}, expected ${want}: that is U-Boot's default, so bootp_vci is unset: the card's boot script did not run or does not set it`,
      };
    case 'rpi-firmware':
      return {
        ok: false,
        explanation: `sent ${id.value} from a Raspberry Pi MAC: this is the board's EEPROM firmware network-booting; ${want} appears once U-Boot runs (it needs its files served first)`,
      };
    case 'pxe-firmware':
      return {
        ok: false,
        explanation: `sent ${id.value} and no walt user class: this is the PC's firmware PXE ROM, not WalT's iPXE (boot the walt USB stick, or check the boot order)`,
      };
    case 'other':
      return { ok: false, explanation: `sent vendor class "${id.value}", expected ${want}: not a WalT bootloader` };
    case 'none':
      return { ok: false, explanation: `sent neither a vendor nor a user class, expected ${want}: not a WalT bootloader` };
  }
}

/** The files a WalT bootloader of this model family fetches by TFTP, in order. */
export function expectedStartFiles(model: string): string[] {
  if (model.startsWith('pc-')) return ['start.ipxe'];
  return ['fit-start.uboot', 'start.uboot'];
}
