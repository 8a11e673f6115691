import { useCallback, useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { DirEntryData } from '../../../../src-main/api/contract.js';
import { useApi } from '../../api/api-context.js';
import { toClientError } from '../../api/client-error.js';
import { Dialog } from '../../components/dialog.js';
import { formatBytes, plural } from '../../util/format.js';

const LAST_DIR_KEY = 'wb_last_dir';

interface Listing {
  dir: string;
  parent: string | null;
  entries: DirEntryData[];
}

/** A file chooser over `fs.list`: browse the station's directories, or type a path and press Enter. */
export function FileDialog(props: { onChoose(path: string): void; onClose(): void }): ReactNode {
  const api = useApi();
  const [listing, setListing] = useState<Listing | null>(null);
  // the field starts on the last folder (what the first listing will show): a listing arriving while the
  // technician types then never rewrites the field under the caret
  const [path, setPath] = useState(() => withSlash(lastDir() ?? ''));
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showHidden, setShowHidden] = useState(false);
  const [cursor, setCursor] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const { onChoose } = props;

  const list = useCallback((dir?: string) => api.call('fs.list', dir ? { dir } : {}), [api]);

  // set once the technician types: the first listing, arriving later, must not overwrite what was typed
  const typedByHand = useRef(false);
  // set by any navigation: the first listing, if it arrives after one, is dropped
  const navigated = useRef(false);

  const show = useCallback((l: Listing, initial = false) => {
    setListing(l);
    if (!(initial && typedByHand.current)) setPath(withSlash(l.dir));
    setSelected(null);
    setCursor(null);
    setError(null);
    try {
      localStorage.setItem(LAST_DIR_KEY, l.dir);
    } catch {
      // no storage: start from the default directory next time
    }
  }, []);

  const navigate = useCallback(
    async (dir: string) => {
      navigated.current = true;
      setBusy(true);
      try {
        show(await list(dir));
      } catch (e) {
        setError(toClientError(e).message);
      } finally {
        setBusy(false);
      }
    },
    [list, show],
  );

  useEffect(() => {
    const last = lastDir();
    let alive = true;
    (async () => {
      setBusy(true);
      try {
        const l = await list(last ?? undefined).catch(() => list());
        if (alive && !navigated.current) show(l, true);
      } catch (e) {
        if (alive) setError(toClientError(e).message);
      } finally {
        if (alive) setBusy(false);
      }
    })();
    return () => {
      alive = false;
    };
  }, [list, show]);

  /** Enter in the path field: a directory opens, a file is chosen. */
  const openTyped = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    let typed = path.trim();
    if (!typed) return;
    navigated.current = true;
    if (!typed.startsWith('/')) typed = joinPath(listing?.dir ?? '/', typed);
    setBusy(true);
    try {
      // look the name up in its folder first: a file is chosen, a folder opened (no failing request for files)
      const parent = parentOf(typed);
      const name = typed.slice(parent.length).replace(/^\/+/, '').replace(/\/+$/, '');
      let entry: DirEntryData | undefined;
      if (name) {
        try {
          entry = (await list(parent)).entries.find((x) => x.name === name);
        } catch {
          entry = undefined;
        }
      }
      if (entry?.kind === 'file') {
        onChoose(entry.path);
        return;
      }
      try {
        show(await list(typed));
      } catch (e) {
        setError(entry || !name ? toClientError(e).message : `No such file or folder: ${typed}`);
      }
    } finally {
      setBusy(false);
    }
  };

  const entries = (listing?.entries ?? [])
    .filter((x) => showHidden || !x.name.startsWith('.'))
    .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const imageCount = entries.filter((x) => x.isImage).length;

  /** Moves the keyboard cursor to entry `i` of the list: focused, and selected when it is a file. */
  const moveTo = (i: number): void => {
    const x = entries[Math.max(0, Math.min(entries.length - 1, i))];
    if (!x) return;
    setCursor(x.path);
    setSelected(x.kind === 'file' ? x.path : null);
    listRef.current?.querySelector<HTMLButtonElement>(`[data-path="${CSS.escape(x.path)}"]`)?.focus();
  };

  /** Arrow keys, Home/End and PageUp/PageDown move in the list; Enter opens; Backspace goes up a folder. */
  const onListKey = (e: KeyboardEvent<HTMLUListElement>): void => {
    const at = entries.findIndex((x) => x.path === cursor);
    const page = 10;
    const target: Record<string, number> = { ArrowDown: at + 1, ArrowUp: at < 0 ? 0 : at - 1, Home: 0, End: entries.length - 1, PageDown: at + page, PageUp: at - page };
    if (e.key in target) {
      e.preventDefault();
      moveTo(target[e.key]!);
    } else if (e.key === 'Enter' && at >= 0) {
      e.preventDefault();
      const x = entries[at]!;
      if (x.kind === 'dir') void navigate(x.path);
      else onChoose(x.path);
    } else if (e.key === 'Backspace' && listing?.parent) {
      e.preventDefault();
      void navigate(listing.parent);
    }
  };

  return (
    <Dialog
      title="Choose an image"
      onClose={props.onClose}
      testId="file-dialog"
      size="wide"
      initialFocus={inputRef}
      actions={
        <>
          <button type="button" className="button" onClick={props.onClose}>
            Cancel
          </button>
          <button
            type="button"
            className="button button--primary"
            disabled={!selected}
            data-testid="file-open"
            onClick={() => selected && onChoose(selected)}
          >
            Open
          </button>
        </>
      }
    >
      <form className="file-dialog__path" onSubmit={(e) => void openTyped(e)}>
        <label htmlFor="file-path-input">Path on the station</label>
        <div className="file-dialog__path-row">
          <button
            type="button"
            className="button"
            disabled={!listing?.parent || busy}
            onClick={() => listing?.parent && void navigate(listing.parent)}
            aria-label="Parent directory"
            title="Parent directory"
          >
            ↑ Up
          </button>
          <input
            id="file-path-input"
            ref={inputRef}
            className="input input--mono"
            data-testid="file-path-input"
            value={path}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => {
              typedByHand.current = true;
              setPath(e.target.value);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowDown' && entries.length > 0) {
                e.preventDefault();
                moveTo(0);
              }
            }}
            aria-describedby="file-path-help"
          />
          {/* never disabled: a disabled default button blocks Enter in the field (implicit submission) */}
          <button type="submit" className="button">
            Go
          </button>
        </div>
        <p id="file-path-help" className="muted small">
          Type a folder or an image path and press Enter; ↓ moves into the list (↑ ↓ to move, Enter to open, Backspace for the parent folder).
        </p>
      </form>
      {error && (
        <p className="file-dialog__error" role="alert" data-testid="file-dialog-error">
          {error}
        </p>
      )}
      <div className="file-dialog__toolbar">
        <span className="muted small">
          {listing ? `${plural(entries.length, 'item')}, ${plural(imageCount, 'image')}` : 'Loading…'}
        </span>
        <label className="check check--small">
          <input type="checkbox" checked={showHidden} onChange={(e) => setShowHidden(e.target.checked)} />
          Show hidden files
        </label>
      </div>
      <ul className="file-list" aria-label="Folder contents" aria-busy={busy} ref={listRef} onKeyDown={onListKey} data-testid="file-list">
        {entries.map((x) => (
          <li key={x.path}>
            <button
              type="button"
              className={`file-entry file-entry--${x.kind}${x.isImage ? ' file-entry--image' : ''}${
                selected === x.path ? ' file-entry--selected' : ''
              }${cursor === x.path ? ' file-entry--cursor' : ''}`}
              aria-pressed={x.kind === 'file' ? selected === x.path : undefined}
              data-testid={`file-entry-${x.name}`}
              data-path={x.path}
              tabIndex={cursor === null ? (x === entries[0] ? 0 : -1) : cursor === x.path ? 0 : -1}
              onFocus={() => setCursor(x.path)}
              onClick={() => (x.kind === 'dir' ? void navigate(x.path) : setSelected(x.path))}
              onDoubleClick={() => x.kind === 'file' && onChoose(x.path)}
            >
              <span className="file-entry__icon" aria-hidden="true">
                {x.kind === 'dir' ? '▸' : x.isImage ? '◆' : '·'}
              </span>
              <span className="file-entry__name">
                {x.name}
                {x.kind === 'dir' ? '/' : ''}
              </span>
              {x.isImage && <span className="badge badge--image">image</span>}
              <span className="file-entry__size">{x.kind === 'file' ? formatBytes(x.size) : ''}</span>
            </button>
          </li>
        ))}
        {listing && entries.length === 0 && <li className="muted file-list__empty">This folder is empty.</li>}
      </ul>
    </Dialog>
  );
}

/** The folder the dialog showed last (kept in localStorage), or null. */
function lastDir(): string | null {
  try {
    return localStorage.getItem(LAST_DIR_KEY);
  } catch {
    return null; // no storage: start from the default directory
  }
}

/** "/a/b" -> "/a/b/" (a folder as the path field shows it); "" stays "". */
function withSlash(dir: string): string {
  return dir === '' || dir.endsWith('/') ? dir : `${dir}/`;
}

function joinPath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** "/a/b/c" -> "/a/b"; "/a" -> "/". */
function parentOf(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}
