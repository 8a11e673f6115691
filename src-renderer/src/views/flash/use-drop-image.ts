import { useCallback, useRef, useState, type DragEvent } from 'react';
import { useHost } from '../../api/api-context.js';
import type { UploadHandle } from '../../api/upload.js';
import { useMessages } from '../../components/messages.js';

/** An upload of a dropped file to the station, in progress. */
export interface UploadState {
  name: string;
  loaded: number;
  total: number;
  abort(): void;
}

/** Drag and drop of an image file anywhere on the view. */
export interface DropState {
  dragging: boolean;
  upload: UploadState | null;
  handlers: {
    onDragEnter(e: DragEvent): void;
    onDragOver(e: DragEvent): void;
    onDragLeave(e: DragEvent): void;
    onDrop(e: DragEvent): void;
  };
}

function hasFiles(e: DragEvent): boolean {
  return Array.from(e.dataTransfer.types).includes('Files');
}

/**
 * A dropped file becomes the image: in Electron by its path on this machine; on a station, uploaded first (with a
 * progress bar), then chosen by the path the station stored it at.
 */
export function useDropImage(onPath: (path: string) => void, enabled: boolean): DropState {
  const host = useHost();
  const { reportError } = useMessages();
  const [dragging, setDragging] = useState(false);
  const [upload, setUpload] = useState<UploadState | null>(null);
  const depth = useRef(0);
  const current = useRef<UploadHandle | null>(null);

  const startUpload = useCallback(
    (file: File) => {
      if (!host.upload) return;
      current.current?.abort();
      const handle = host.upload(file, (p) =>
        setUpload((u) => (u ? { ...u, loaded: p.loaded, total: p.total } : u)),
      );
      current.current = handle;
      setUpload({ name: file.name, loaded: 0, total: file.size, abort: () => handle.abort() });
      handle.done
        .then((path) => {
          if (current.current === handle) onPath(path);
        })
        .catch((e: unknown) => {
          if (current.current === handle && !(e instanceof Error && e.message.includes('cancelled'))) {
            reportError(e, `Cannot upload ${file.name}`);
          }
        })
        .finally(() => {
          if (current.current === handle) {
            current.current = null;
            setUpload(null);
          }
        });
    },
    [host, onPath, reportError],
  );

  const onDrop = (e: DragEvent): void => {
    if (!hasFiles(e)) return;
    e.preventDefault();
    depth.current = 0;
    setDragging(false);
    if (!enabled) return;
    const files = Array.from(e.dataTransfer.files);
    const file = files[0];
    if (!file) return;
    if (files.length > 1) reportError(new Error('Drop one image at a time'));
    if (host.pathForFile) {
      const path = host.pathForFile(file);
      if (path) onPath(path);
      else reportError(new Error(`Cannot tell where ${file.name} is on this machine`));
    } else if (host.upload) {
      startUpload(file);
    }
  };

  return {
    dragging: dragging && enabled,
    upload,
    handlers: {
      onDragEnter: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        depth.current += 1;
        setDragging(true);
      },
      onDragOver: (e) => {
        if (!hasFiles(e)) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = enabled ? 'copy' : 'none';
      },
      onDragLeave: (e) => {
        if (!hasFiles(e)) return;
        depth.current = Math.max(0, depth.current - 1);
        if (depth.current === 0) setDragging(false);
      },
      onDrop,
    },
  };
}
