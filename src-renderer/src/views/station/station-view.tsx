import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { SlotData } from '../../../../src-main/api/contract.js';
import { useApi, useHost } from '../../api/api-context.js';
import { useMessages } from '../../components/messages.js';
import { useSettings } from '../../components/use-settings.js';
import { PrepareBoardPanel } from '../cards/prepare-board-panel.js';
import { FileDialog } from '../flash/file-dialog.js';
import { ImageStep } from '../flash/image-step.js';
import { imageReady, useImage } from '../flash/use-image.js';
import { askNotificationPermission, beep, notifyCard, setSoundEnabled, soundEnabled } from './announce.js';
import { HeldByOther } from './job-holder.js';
import { bytesToGb, isOwnJob, sizeLimitBytes } from './job-rules.js';
import { JobTable } from './job-table.js';
import { SizeLimitInput } from './size-limit.js';
import { SlotTiles } from './slot-tiles.js';
import { useStation } from './use-station.js';

/**
 * The Station view: enroll slots, choose the artifact, verify, count, arm; then the counter, a tile per slot and the
 * table of cards. A reload re-attaches to the running job; each finished card is announced (page, desktop
 * notification, optional beep) and the window title carries the progress. It stays mounted while another view is
 * shown (to keep announcing), but then renders nothing: the flash view's pickers it reuses keep unique test ids.
 */
export function StationView(props: { visible: boolean }): ReactNode {
  const api = useApi();
  const host = useHost();
  const { reportError, notify } = useMessages();
  const image = useImage();
  const [sound, setSound] = useState(soundEnabled);
  const [last, setLast] = useState<{ text: string; ok: boolean } | null>(null);
  const onFinished = useCallback(
    (text: string, ok: boolean) => {
      setLast({ text, ok });
      notifyCard(text, ok);
      if (soundEnabled()) beep(ok);
    },
    [],
  );
  const station = useStation(onFinished);
  const [verify, setVerify] = useState(true);
  const [unlimited, setUnlimited] = useState(false);
  const [count, setCount] = useState(10);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [fileDialog, setFileDialog] = useState(false);
  const [waitingInsert, setWaitingInsert] = useState<Set<string> | null>(null);
  const { settings } = useSettings();
  const settingLimit = settings?.stationSizeLimitBytes ?? null;
  const [sizeLimitGb, setSizeLimitGb] = useState<string | null>(null);
  const { job, slots } = station;
  const armed = job?.state === 'armed';
  // a browser page is named by its page id; another client's armed job cannot be changed from here
  const heldByOther = armed && job !== null && !isOwnJob(job, host.clientLabel?.());

  useEffect(() => {
    const base = 'walt-bench';
    if (!job || job.state !== 'armed') document.title = base;
    else document.title = `${job.done}${job.count === null ? '' : `/${job.count}`} cards · ${job.inProgress} writing · ${base}`;
    return () => {
      document.title = base;
    };
  }, [job]);

  // while the slot list is on screen (no job armed), it is read again every 2 s (every second while waiting for
  // a card to enroll): the station announces changes of the slots of an armed job only
  const { refresh } = station;
  const polling = props.visible && !armed;
  useEffect(() => {
    if (!polling) return;
    const timer = setInterval(() => void refresh(), waitingInsert ? 1000 : 2000);
    return () => clearInterval(timer);
  }, [polling, waitingInsert, refresh]);

  // "insert a card in the slot you want to enroll": the first slot that gains a card is enrolled
  useEffect(() => {
    if (!waitingInsert || !slots) return;
    const appeared = slots.find((s) => s.card !== null && !waitingInsert.has(s.slot) && !s.enrolled);
    if (!appeared) return;
    setWaitingInsert(null);
    void enroll(appeared.slot);
  }, [slots, waitingInsert]);

  const enroll = async (slot: string): Promise<void> => {
    try {
      await api.call('slots.enroll', { slot });
      notify(`Enrolled ${slot}`);
      await station.refresh();
    } catch (e) {
      reportError(e, `Cannot enroll ${slot}`);
    }
  };
  const forget = async (slot: string): Promise<void> => {
    try {
      await api.call('slots.forget', { slot });
      await station.refresh();
    } catch (e) {
      reportError(e, `Cannot forget ${slot}`);
    }
  };
  const arm = async (): Promise<void> => {
    if (!imageReady(image.info)) return;
    askNotificationPermission();
    try {
      const info = image.info;
      const armedJob = await api.call('stationJob.arm', {
        artifact: info.path,
        ...(info.entry ? { entry: info.entry } : {}),
        slots: [...chosen],
        verify,
        count: unlimited ? null : count,
        ...(settingLimit === null ? {} : { sizeLimit: sizeLimitBytes(sizeLimitGb ?? bytesToGb(settingLimit), settingLimit).bytes }),
      });
      station.setJob(armedJob);
    } catch (e) {
      reportError(e, 'Cannot arm the job');
    }
  };
  const disarm = async (force = false): Promise<void> => {
    if (!job) return;
    try {
      station.setJob(await api.call('stationJob.disarm', { jobId: job.jobId, force }));
    } catch (e) {
      reportError(e, 'Cannot disarm the job');
    }
  };
  const openChooser = async (): Promise<void> => {
    if (host.pickImage) {
      const path = await host.pickImage().catch(() => null);
      if (path) void image.choose(path);
    } else setFileDialog(true);
  };

  const enrolled = (slots ?? []).filter((s) => s.enrolled);
  if (!props.visible) return null;
  return (
    <div className="station-view" data-testid="station-view">
      {job && (
        <section className="panel" data-testid="station-counter">
          <h2>
            <span className="numeric" data-testid="station-done">
              {job.done}
            </span>
            {job.count === null ? ' cards done (unlimited)' : ` of ${job.count} cards done`} · {job.failed} failed · {job.inProgress} in progress
          </h2>
          <p className="muted small" data-testid="station-job-state">
            Job {job.jobId}: {job.state}
            {job.endReason ? ` (${job.endReason})` : ''} · armed by {job.armedBy} · {job.imageName} · verify {job.verify ? 'on' : 'off'} · size
            limit <span data-testid="station-job-size-limit">{bytesToGb(job.sizeLimit)} GB</span>
          </p>
          {last && (
            <p className={last.ok ? 'announce announce--ok' : 'announce announce--fail'} role="status" data-testid="station-announcement">
              {last.text}
            </p>
          )}
          {armed && !heldByOther && (
            <button type="button" className="button" data-testid="station-disarm" onClick={() => void disarm()}>
              Disarm
            </button>
          )}
          {heldByOther && <HeldByOther job={job} onForceDisarm={() => disarm(true)} />}
        </section>
      )}
      {slots && <SlotTiles slots={slots} tiles={job ? job.tiles : null} jobSlots={job ? job.slots : null} />}
      {!armed && (
        <>
          <SlotsPanel
            slots={slots ?? []}
            chosen={chosen}
            onToggle={(slot) => setChosen((c) => toggled(c, slot))}
            onEnroll={(s) => void enroll(s)}
            onForget={(s) => void forget(s)}
            waitingInsert={waitingInsert !== null}
            onWaitInsert={() => setWaitingInsert(waitingInsert ? null : new Set((slots ?? []).filter((s) => s.card).map((s) => s.slot)))}
          />
          {/* the artifact: a catalog model (downloaded into the cache), or an image or archive file */}
          <PrepareBoardPanel onUse={(path) => void image.choose(path)} />
          <ImageStep info={image.info} inspecting={image.inspecting} upload={null} onChoose={() => void openChooser()} onChooseEntry={(e) => void image.chooseEntry(e)} />
          <section className="panel" data-testid="station-arm-panel">
            <h2>Job</h2>
            <label className="check">
              <input type="checkbox" checked={verify} onChange={(e) => setVerify(e.target.checked)} data-testid="station-verify" /> Verify every card
            </label>
            <label className="check">
              <input type="checkbox" checked={unlimited} onChange={(e) => setUnlimited(e.target.checked)} data-testid="station-unlimited" /> Unlimited
            </label>
            {!unlimited && (
              <label>
                Cards wanted{' '}
                <input type="number" min={1} value={count} onChange={(e) => setCount(Math.max(1, Number(e.target.value) || 1))} data-testid="station-count" />
              </label>
            )}
            <SizeLimitInput value={sizeLimitGb ?? (settingLimit === null ? '' : bytesToGb(settingLimit))} settingBytes={settingLimit} onChange={setSizeLimitGb} />
            <button
              type="button"
              className="button button--primary button--large"
              data-testid="station-arm"
              disabled={!imageReady(image.info) || chosen.size === 0 || enrolled.length === 0}
              onClick={() => void arm()}
            >
              Arm: write every card inserted in {chosen.size} slot{chosen.size === 1 ? '' : 's'}
            </button>
          </section>
        </>
      )}
      <label className="check">
        <input
          type="checkbox"
          checked={sound}
          data-testid="station-sound"
          onChange={(e) => {
            setSound(e.target.checked);
            setSoundEnabled(e.target.checked);
            askNotificationPermission();
          }}
        />{' '}
        Beep on each finished card
      </label>
      {job && <JobTable job={job} />}
      {fileDialog && <FileDialog onChoose={(p) => { setFileDialog(false); void image.choose(p); }} onClose={() => setFileDialog(false)} />}
    </div>
  );
}

function toggled(set: Set<string>, item: string): Set<string> {
  const next = new Set(set);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next;
}

/** The slots: enroll from the list (or by inserting a card), forget, and tick the ones the job uses. */
function SlotsPanel(props: {
  slots: SlotData[];
  chosen: Set<string>;
  onToggle(slot: string): void;
  onEnroll(slot: string): void;
  onForget(slot: string): void;
  waitingInsert: boolean;
  onWaitInsert(): void;
}): ReactNode {
  return (
    <section className="panel" data-testid="station-slots">
      <div className="panel__head">
        <h2>Slots</h2>
        <button type="button" className="button button--small" data-testid="enroll-by-insert" onClick={props.onWaitInsert}>
          {props.waitingInsert ? 'Cancel' : 'Enroll by inserting a card…'}
        </button>
      </div>
      {props.waitingInsert && <p role="status">Insert a card in the slot you want to enroll.</p>}
      <ul className="slot-list">
        {props.slots.map((s) => (
          <li key={s.slot} data-testid="slot-row" data-slot={s.slot}>
            {s.enrolled && (
              <input type="checkbox" aria-label={`Use ${s.slot}`} checked={props.chosen.has(s.slot)} onChange={() => props.onToggle(s.slot)} data-testid="slot-use" />
            )}{' '}
            <span>{s.slot}</span> <span className="muted small">{s.card ? `${s.card.description}` : 'empty'}</span>{' '}
            {s.enrolled ? (
              <button type="button" className="button button--small" onClick={() => props.onForget(s.slot)}>
                Forget
              </button>
            ) : (
              <button type="button" className="button button--small" data-testid="slot-enroll" disabled={s.card?.isSystem === true} onClick={() => props.onEnroll(s.slot)}>
                Enroll
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
