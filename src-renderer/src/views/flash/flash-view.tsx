import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { SettingsData } from '../../../../src-main/api/contract.js';
import { useConnection, useHost } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { InspectCardPanel } from '../cards/inspect-card-panel.js';
import { PrepareBoardPanel } from '../cards/prepare-board-panel.js';
import { AddCardDialog } from './add-card-dialog.js';
import { ConfirmFlashDialog, type FlashTarget } from './confirm-flash-dialog.js';
import { blockingText, identityOf } from './drive-identity.js';
import { DrivesStep } from './drives-step.js';
import { FileDialog } from './file-dialog.js';
import { FlashStep, type WriteChoice } from './flash-step.js';
import { ImageStep } from './image-step.js';
import { SessionPanel } from './session-panel.js';
import { useDrives } from './use-drives.js';
import { useDropImage } from './use-drop-image.js';
import { useFlashSession } from './use-flash-session.js';
import { imageReady, useImage } from './use-image.js';
import { useSelection } from './use-selection.js';

/** What the confirmation dialog is about to start. */
interface Pending {
  targets: FlashTarget[];
  confirmLarge: boolean;
  title?: string;
}

/** The Flash view: image, cards, flash; then per-card progress and results. */
export function FlashView(props: { settings: SettingsData | null }): ReactNode {
  const host = useHost();
  const connection = useConnection();
  const { reportError, notify } = useMessages();
  const image = useImage();
  const session = useFlashSession();
  const sessionImage = session.current?.image ?? null;
  // while a session runs, drive reasons are computed for its image
  const drives = useDrives(sessionImage ?? image.info);
  const selection = useSelection(drives.drives);
  const [verify, setVerify] = useState<boolean | null>(null);
  const [write, setWrite] = useState<WriteChoice>({ mode: 'sparse', bmap: '' });
  const [fileDialog, setFileDialog] = useState(false);
  const [pending, setPending] = useState<Pending | null>(null);
  const [adding, setAdding] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (verify === null && props.settings) setVerify(props.settings.verify);
  }, [props.settings, verify]);

  const { choose } = image;
  const choosePath = useCallback((path: string) => void choose(path), [choose]);
  const drop = useDropImage(choosePath, session.current === null);

  const openChooser = async (): Promise<void> => {
    if (host.pickImage) {
      try {
        const path = await host.pickImage();
        if (path) choosePath(path);
      } catch (e) {
        reportError(e, 'Cannot open the file chooser');
      }
    } else {
      setFileDialog(true);
    }
  };

  const askFlash = (): void => {
    if (!drives.drives) return;
    const byDevice = new Map(drives.drives.map((d) => [d.device, d]));
    const targets = [...selection.selected.values()].map((c) => ({
      identity: c.identity,
      large: byDevice.get(c.identity.device)?.needsConfirm ?? false,
    }));
    const confirmLarge = [...selection.selected.values()].some((c) => c.confirmedLarge);
    setPending({ targets, confirmLarge });
  };

  const retryFailed = async (): Promise<void> => {
    const s = session.current;
    if (!s) return;
    setBusy(true);
    try {
      const failed = Object.values(s.results).filter((r) => !r.ok && !r.cancelled).map((r) => r.device);
      const list = await drives.refresh();
      if (!list) return;
      const targets: FlashTarget[] = [];
      const missing: string[] = [];
      for (const device of failed) {
        const d = list.find((x) => x.device === device);
        if (!d) missing.push(`${device} is no longer there`);
        else if (!d.eligible) missing.push(`${device}: ${blockingText(d)}`);
        else targets.push({ identity: identityOf(d), large: d.needsConfirm });
      }
      if (missing.length > 0) notify(`Not retried: ${missing.join('; ')}`);
      if (targets.length > 0) {
        setPending({ targets, confirmLarge: false, title: `Retry ${targets.length === 1 ? '1 card' : `${targets.length} cards`}?` });
      }
    } finally {
      setBusy(false);
    }
  };

  const confirm = async (): Promise<void> => {
    const p = pending;
    const img = sessionImage ?? image.info;
    setPending(null);
    if (!p || !img || verify === null) return;
    // large drives listed in this dialog are confirmed by pressing "Erase and flash"
    const confirmLarge = p.confirmLarge || p.targets.some((t) => t.large);
    const how = img.card ? {} : write.mode === 'full' ? { full: true } : write.mode === 'bmap' ? { bmap: write.bmap.trim() } : {};
    await session.start({ image: img, drives: p.targets.map((t) => t.identity), verify, confirmLarge, ...how });
  };

  const inSession = new Set(session.current?.order ?? []);
  const addable = (drives.drives ?? []).filter((d) => d.eligible && !inSession.has(d.device));
  const dialogImage = sessionImage ?? image.info;

  return (
    <div className="flash-view" {...drop.handlers} data-testid="flash-view">
      {session.current ? (
        <SessionPanel
          session={session.current}
          busy={busy || session.starting}
          onCancel={(device) => void session.cancel(device)}
          onAdd={() => setAdding(true)}
          onFlashAgain={session.reset}
          onRetryFailed={() => void retryFailed()}
        />
      ) : (
        <div className="steps">
          <ImageStep
            info={image.info}
            inspecting={image.inspecting}
            upload={drop.upload}
            onChoose={() => void openChooser()}
            onChooseEntry={(entry) => void image.chooseEntry(entry)}
          />
          <DrivesStep drives={drives.drives} fresh={drives.fresh} selection={selection} />
          <FlashStep
            image={image.info}
            imageReady={imageReady(image.info)}
            devices={[...selection.selected.keys()]}
            verify={verify ?? true}
            onVerify={setVerify}
            write={write}
            onWrite={setWrite}
            connected={connection !== 'down'}
            busy={session.starting}
            onFlash={askFlash}
          />
          <div className="card-tools">
            <PrepareBoardPanel onUse={choosePath} />
            <InspectCardPanel devices={(drives.drives ?? []).map((d) => d.device)} />
          </div>
        </div>
      )}
      {drop.dragging && (
        <div className="drop-overlay" aria-hidden="true">
          <div className="drop-overlay__box">Drop the image here</div>
        </div>
      )}
      {fileDialog && (
        <FileDialog
          onClose={() => setFileDialog(false)}
          onChoose={(path) => {
            setFileDialog(false);
            choosePath(path);
          }}
        />
      )}
      {pending && dialogImage && (
        <ConfirmFlashDialog
          image={dialogImage}
          targets={pending.targets}
          verify={verify ?? true}
          onCancel={() => setPending(null)}
          onConfirm={() => void confirm()}
          {...(pending.title ? { title: pending.title } : {})}
        />
      )}
      {adding && session.current && (
        <AddCardDialog
          drives={addable}
          busy={busy}
          onCancel={() => setAdding(false)}
          onAdd={(d, confirmLarge) => {
            setBusy(true);
            void session.add(identityOf(d), confirmLarge).then((ok) => {
              setBusy(false);
              if (ok) setAdding(false);
            });
          }}
        />
      )}
    </div>
  );
}
