import type { ReactNode } from 'react';
import { BenchLog } from './bench-log.js';
import { Checklist } from './checklist.js';
import { DhcpTable } from './dhcp-table.js';
import { FilesSeen } from './files-seen.js';
import { SetupPanel } from './setup-panel.js';
import { TftpList } from './tftp-list.js';
import { useBootCheck } from './use-boot-check.js';
import { VerdictBanner } from './verdict-banner.js';

/**
 * The boot check of one board: the technician picks the expected model and the desk link, powers the board on, and sees live
 * whether it follows WalT's boot workflow (DHCP class walt.node.<model>, start.uboot by TFTP, run), with the evidence.
 */
export function SingleCheck(props: { visible: boolean }): ReactNode {
  const check = useBootCheck();
  const { verdict: v, request, phase } = check;
  const model = v?.model ?? request?.expect ?? '';
  const running = phase === 'running';
  return (
    <div className="check-view" data-testid="single-check">
      <div className="check-view__top">
        <SetupPanel
          visible={props.visible}
          running={running}
          starting={phase === 'starting'}
          onStart={(r) => void check.start(r)}
          onStop={() => void check.stop()}
        />
        <section className="step check-result" aria-label="Boot check result" data-testid="check-result">
          <VerdictBanner verdict={v} request={request} phase={phase} elapsedMs={check.elapsedMs} />
          {v && (
            <div className="check-result__body">
              <dl className="facts check-facts" data-testid="check-facts">
                <dt>Board MAC</dt>
                <dd className="mono">{v.mac ?? '—'}</dd>
                <dt>Address</dt>
                <dd className="mono">{v.ip ?? '—'}</dd>
                <dt>Vendor class</dt>
                <dd className={`mono break${classTone(v.vci, model)}`} data-testid="check-vci">
                  {v.vci ?? '—'}
                </dd>
                <dt>User class</dt>
                <dd className={`mono break${classTone(v.uci, model)}`}>{v.uci ?? '—'}</dd>
              </dl>
              <h3 className="check-subtitle">WalT's boot workflow</h3>
              <Checklist verdict={v} model={model} decidedAt={check.decidedAt} running={running} />
              <FilesSeen files={v.files} />
            </div>
          )}
        </section>
      </div>
      <DhcpTable rows={check.dhcp} boardMac={v?.mac ?? null} expected={model} />
      <div className="check-view__bottom">
        <TftpList rows={check.tftp} />
        <BenchLog rows={check.status} />
      </div>
    </div>
  );
}

/** Green when a class names the expected model, red when it names another walt model. */
function classTone(klass: string | null, model: string): string {
  if (!klass?.startsWith('walt.node.')) return '';
  return klass === `walt.node.${model}` ? ' dhcp-class--walt' : ' dhcp-class--wrong';
}
