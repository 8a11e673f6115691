import { z } from 'zod';
import * as S from '../schemas.js';
import { lazyDomain } from '../lazy-domain.js';

/**
 * The App domain (the app itself, its settings and journal, the file chooser). Its schemas are built the first time
 * the contract looks up one of its names, so a one-shot CLI command pays only for the domains it calls.
 */
export const appDomain = lazyDomain(() => {
  /** Commands about the app itself: facts, settings, the station's file chooser. */
  const appCommands = {
    /** Server facts: version, whether it runs as root, where its state lives. */
    'app.info': {
      input: z.object({}),
      output: z.object({ version: z.string(), privileged: z.boolean(), home: z.string(), platform: z.string() }),
    },
    /** Versions: the app, Electron (null outside Electron), Node, etcher-sdk, the catalog in force (the shipped one unless the catalog-source setting names another). */
    'app.about': {
      input: z.object({}),
      output: z.object({
        app: z.string(),
        electron: z.string().nullable(),
        node: z.string(),
        etcherSdk: z.string().nullable(),
        catalog: z.object({ version: z.string(), name: z.string(), date: z.string(), source: z.string() }).nullable(),
      }),
    },
    /** Lists a directory of the machine that does the work (the station's file chooser). */
    'fs.list': {
      input: z.object({ dir: S.FilePath.optional() }),
      output: z.object({ dir: z.string(), parent: z.string().nullable(), entries: z.array(S.DirEntry) }),
    },
    /** The journal's records, newest last. */
    'journal.list': {
      input: z.object({ limit: z.number().int().positive().max(100000).optional() }),
      output: z.object({ records: z.array(S.JournalRecord), skippedLines: z.array(z.number()) }),
    },
    'settings.get': { input: z.object({}), output: S.Settings },
    'settings.set': { input: S.Settings.partial(), output: S.Settings },
  } as const;
  return { commands: appCommands, events: {} };
});
