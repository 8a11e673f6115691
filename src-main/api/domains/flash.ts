import { z } from 'zod';
import * as S from '../schemas.js';

/** Commands of the Flash capability: drives, images, flash sessions, the journal. */
export const flashCommands = {
  /** Every drive with its eligibility for the given image (or none). */
  'drives.list': {
    input: z.object({ image: S.FilePath.optional(), entry: z.string().optional() }),
    output: z.array(S.DriveStatus),
  },
  /** Reads an image file's header: kind, sizes, zip entries, warnings. */
  'image.inspect': {
    input: z.object({ path: S.FilePath, entry: z.string().optional() }),
    output: S.ImageInfo,
  },
  /** Starts writing an image to one or more cards; each card runs its own pipeline. */
  'flash.start': {
    input: z.object({
      image: S.FilePath,
      entry: z.string().optional(),
      drives: z.array(S.DriveIdentity).min(1).max(32),
      verify: z.boolean().default(true),
      confirmLarge: z.boolean().default(false),
      /** For an archive of files: make the FAT32 partition as large as each card. */
      growToCard: z.boolean().default(false),
      /** Write every byte of a disk image instead of only the blocks its filesystems use (a card that must be wiped). */
      full: z.boolean().default(false),
      /** A bmap (bmaptool's XML) naming the ranges to write; by default one beside the image is used. */
      bmap: S.FilePath.optional(),
    }),
    output: S.FlashSession,
  },
  /** Adds a card to a running flash session. */
  'flash.add': {
    input: z.object({ sessionId: z.string(), drive: S.DriveIdentity, confirmLarge: z.boolean().default(false) }),
    output: S.FlashSession,
  },
  /** Cancels one card (device given) or every card of a session. */
  'flash.cancel': {
    input: z.object({ sessionId: z.string(), device: S.DevicePath.optional() }),
    output: S.FlashSession,
  },
  /** The current state of a flash session. */
  'flash.status': {
    input: z.object({ sessionId: z.string() }),
    output: S.FlashSession,
  },
} as const;

/** Events of the Flash capability. */
export const flashEvents = {
  /** The drive list changed: a card was inserted or removed, or a drive's state changed. */
  'drives.changed': z.object({
    drives: z.array(S.DriveStatus),
    attached: z.array(z.string()),
    detached: z.array(z.string()),
  }),
  /** One card's progress. */
  'flash.progress': S.CardProgress,
  /** One card finished (ok, failed or cancelled). */
  'flash.card-done': z.object({ sessionId: z.string(), result: S.CardResult }),
  /** Every card of a session finished. */
  'flash.done': z.object({ sessionId: z.string(), results: z.array(S.CardResult) }),
} as const;
