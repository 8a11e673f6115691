import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ApiError } from '../api/errors.js';

/** Parses a subcommand's arguments; an unknown option is a usage error naming it. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = true) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A command line that cannot be understood (exit status 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Exit statuses of the CLI. */
export const EXIT = { ok: 0, failed: 1, usage: 2, refused: 3 } as const;

/** The words and exit status for an error reaching the top of a command. */
export function describeError(error: unknown): { text: string; status: number } {
  if (error instanceof UsageError) return { text: `walt-bench: ${error.message} (see walt-bench help)`, status: EXIT.usage };
  if (error instanceof ApiError) {
    const status = error.code === 'refused' || error.code === 'source-error' ? EXIT.refused : EXIT.failed;
    return { text: `walt-bench: ${error.message}${error.hint ? `\n  fix: ${error.hint}` : ''}`, status };
  }
  return { text: `walt-bench: ${(error as Error)?.message ?? String(error)}`, status: EXIT.failed };
}
