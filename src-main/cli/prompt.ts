import { createInterface } from 'node:readline/promises';

/** Asks a question on the terminal; null when there is no terminal to ask on. */
export async function ask(question: string): Promise<string | null> {
  if (!process.stdin.isTTY) return null;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}
