import type { BootEventBody, Loader } from './boot-event.js';

/** What the line rules remember between lines of one boot attempt (reset at every new cycle). */
export interface ClassifierContext {
  /** Loaders whose banner (or typical lines) were seen in this attempt. */
  loaders: Set<Loader>;
  /** The file of the transfer in progress (U-Boot prints the size without the name). */
  file: string | null;
  /** The server of the transfer in progress. */
  server: string | null;
  /** Whether an Ethernet link was seen up in this attempt. */
  linkUp: boolean;
  /** Whether an address was bound in this attempt. */
  bound: boolean;
  /** The UEFI PXE ROM's announced NBP size. */
  nbpSize: number | null;
}

/** A fresh context for a new boot attempt. */
export function newContext(): ClassifierContext {
  return { loaders: new Set(), file: null, server: null, linkUp: false, bound: false, nbpSize: null };
}

/**
 * What the classifier finds out about a line once, for every rule: most lines carry no event, and searching each
 * whole line once per rule and substring used to be most of the analyzer's cost.
 */
export interface LineScan {
  /**
   * Whether the line holds one of the substrings the rules search for anywhere in a line (ANYWHERE in
   * line-classifier.ts); when false a rule skips those searches.
   */
  anywhere: boolean;
  /** Index of the line's first space, or -1. A `^(\S+)<text>` regex can only match when `<text>` starts there. */
  firstSpace: number;
}

/** A rule: looks at one trimmed line; pushes the events it recognizes and returns true when it consumed the line. */
export type LineRule = (s: string, ctx: ClassifierContext, out: BootEventBody[], scan: LineScan) => boolean;

/** An IPv4 address in text. */
export const IPV4 = '\\d{1,3}(?:\\.\\d{1,3}){3}';
/** A MAC address in text. */
export const MAC = '[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}';
