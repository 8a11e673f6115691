import { useCallback, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
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
  const [path, setPath] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [showHidden, setShowHidden] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const { onChoose } = props;

  const list = useCallback((dir?: string) => api.call('fs.list', dir ? { dir } : {}), [api]);

  const show = useCallback((l: Listing) => {
    setListing(l);
    setPath(l.dir.endsWith('/') ? l.dir : `${l.dir}/`);
    setSelected(null);
    setError(null);
    try {
      localStorage.setItem(LAST_DIR_KEY, l.dir);
    } catch {
      // no storage: start from the default directory next time
    }
  }, []);

  const navigate = useCallback(
    async (dir: string) => {
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
    let last: string | null = null;
    try {
      last = localStorage.getItem(LAST_DIR_KEY);
    } catch {
      last = null;
    }
    let alive = true;
    (async () => {
      setBusy(true);
      try {
        const l = await list(last ?? undefined).catch(() => list());
        if (alive) show(l);
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
            onChange={(e) => setPath(e.target.value)}
            aria-describedby="file-path-help"
          />
          <button type="submit" className="button" disabled={busy}>
            Go
          </button>
        </div>
        <p id="file-path-help" className="muted small">
          Type a folder or an image path and press Enter.
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
      <ul className="file-list" aria-label="Folder contents" aria-busy={busy}>
        {entries.map((x) => (
          <li key={x.path}>
            <button
              type="button"
              className={`file-entry file-entry--${x.kind}${x.isImage ? ' file-entry--image' : ''}${
                selected === x.path ? ' file-entry--selected' : ''
              }`}
              aria-pressed={x.kind === 'file' ? selected === x.path : undefined}
              data-testid={`file-entry-${x.name}`}
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

function joinPath(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

/** "/a/b/c" -> "/a/b"; "/a" -> "/". */
function parentOf(p: string): string {
  const trimmed = p.replace(/\/+$/, '');
  const i = trimmed.lastIndexOf('/');
  return i <= 0 ? '/' : trimmed.slice(0, i);
}
