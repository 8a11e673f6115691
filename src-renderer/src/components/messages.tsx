import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { toClientError } from '../api/client-error.js';

/** One message shown above the view: an error (with its fix) or a notice. */
export interface Message {
  id: number;
  kind: 'error' | 'notice';
  title: string;
  hint?: string;
}

interface MessagesValue {
  messages: Message[];
  /** Shows a command's error (message + hint). */
  reportError(err: unknown, context?: string): void;
  /** Shows a notice (e.g. "the card in /dev/sdb was removed"). */
  notify(text: string): void;
  dismiss(id: number): void;
}

const MessagesContext = createContext<MessagesValue | null>(null);
let nextId = 1;

/** Holds the errors and notices of the page. */
export function MessagesProvider(props: { children: ReactNode }): ReactNode {
  const [messages, setMessages] = useState<Message[]>([]);
  const push = useCallback((m: Omit<Message, 'id'>) => {
    setMessages((list) => {
      // the same text twice in a row is shown once
      const rest = list.filter((x) => !(x.kind === m.kind && x.title === m.title));
      return [...rest, { ...m, id: nextId++ }].slice(-6);
    });
  }, []);
  const reportError = useCallback(
    (err: unknown, context?: string) => {
      const e = toClientError(err);
      const title = context ? `${context}: ${e.message}` : e.message;
      push(e.hint ? { kind: 'error', title, hint: e.hint } : { kind: 'error', title });
    },
    [push],
  );
  const notify = useCallback((text: string) => push({ kind: 'notice', title: text }), [push]);
  const dismiss = useCallback((id: number) => setMessages((list) => list.filter((m) => m.id !== id)), []);
  const value = useMemo(() => ({ messages, reportError, notify, dismiss }), [messages, reportError, notify, dismiss]);
  return <MessagesContext.Provider value={value}>{props.children}</MessagesContext.Provider>;
}

/** The page's messages and the functions that add them. */
export function useMessages(): MessagesValue {
  const v = useContext(MessagesContext);
  if (!v) throw new Error('MessagesProvider missing');
  return v;
}
