import type { ReactNode } from 'react';
import { formatDuration } from '../../util/format.js';
import { byteCount, isKnownModel, startFileOf, type Verdict } from './check-steps.js';
import type { CheckRequest } from './use-boot-check.js';

/** The big PASS / FAIL / waiting banner, with the diagnosis or the next steps. */
export function VerdictBanner(props: {
  verdict: Verdict | null;
  request: CheckRequest | null;
  phase: 'idle' | 'starting' | 'running' | 'done';
  elapsedMs: number;
}): ReactNode {
  const { verdict: v, request, phase } = props;
  const model = v?.model ?? request?.expect ?? '';
  const state =
    phase === 'idle' ? 'idle' : v?.verdict === 'pass' ? 'pass' : v?.verdict === 'fail' ? 'fail' : phase === 'done' ? 'stopped' : 'waiting';
  // a pass whose last step (the start file running) had no console to watch is a pass up to the download only
  const unwatched = state === 'pass' && v?.checks.some((c) => c.id === 'run' && c.state === 'skipped');
  const title = {
    idle: 'Ready',
    waiting: phase === 'starting' ? 'Starting…' : 'Waiting for the board',
    pass: 'PASS',
    fail: 'FAIL',
    stopped: 'Stopped',
  }[state];
  const icon = { idle: '▷', waiting: '…', pass: '✓', fail: '✗', stopped: '■' }[state];
  const sub = {
    idle: 'Choose the model and the link, then start: power the board on once the check waits.',
    waiting: `Power on (or reset) the board now. Expecting walt.node.${model}.`,
    pass: v ? `${passSummary(v)}${unwatched ? ' Whether the board then ran it was not watched: this check had no serial console (walt-bench check --port /dev/ttyUSB0 watches it).' : ''}` : '',
    fail: v?.diagnosis ?? 'A check failed: see below.',
    stopped: 'Stopped before a verdict.',
  }[state];
  return (
    <div className={`verdict verdict--${state}`} data-testid="check-verdict" data-verdict={state} data-unwatched={unwatched ? 'true' : undefined} role="status" aria-live="polite">
      <div className="verdict__head">
        <span className="verdict__icon" aria-hidden="true">
          {icon}
        </span>
        <div className="verdict__text">
          <strong className="verdict__title">
            {title}
            {unwatched && <span className="verdict__qualifier"> (script run not watched)</span>}
          </strong>
          <span className="verdict__model mono">{model}</span>
          <p className="verdict__sub" data-testid={state === 'fail' ? 'check-diagnosis' : undefined}>
            {sub}
          </p>
        </div>
        {phase !== 'idle' && (
          <span className="verdict__time numeric" data-testid="check-elapsed">
            {formatDuration(phase === 'done' && v ? v.elapsedMs : props.elapsedMs)}
          </span>
        )}
      </div>
      {state === 'pass' && <NextSteps model={model} mode={request?.mode ?? 'serve'} root={request?.root ?? null} />}
    </div>
  );
}

/** "Sent walt.node.x (vendor class) and fetched start.uboot (236 bytes)." */
function passSummary(v: Verdict): string {
  const klass = v.uci?.startsWith('walt.node.') ? `${v.uci} (user class)` : `${v.vci ?? '?'} (vendor class)`;
  const fetched = v.files.filter((f) => f.result === 'complete').at(-1);
  const file = fetched ? ` and fetched ${fetched.name}${fetched.bytes !== null ? ` (${byteCount(fetched.bytes)})` : ''}` : '';
  return `Sent ${klass}${file}: it boots the WalT way as ${v.model}.`;
}

/** After a pass: what is left to make WalT boot this kind of board (the seed's "default walt image"). */
function NextSteps(props: { model: string; mode: 'serve' | 'observe'; root: string | null }): ReactNode {
  const image = `waltplatform/${props.model}-default:latest`;
  if (props.mode === 'observe') {
    return <p className="verdict__next">The WalT server on this link recognised the board and served its {startFileOf(props.model)}.</p>;
  }
  if (isKnownModel(props.model)) {
    return (
      <p className="verdict__next" data-testid="check-next">
        The bootloader is right. WalT ships a default image for {props.model} ({image}): plug the board into the WalT network.
      </p>
    );
  }
  return (
    <div className="verdict__next" data-testid="check-next">
      <strong>Next steps for this new model</strong>
      <ol>
        {!props.root && <li>Try your image's own start file: run again with "Serve an image root".</li>}
        <li>
          On the WalT server, import your image as <code className="mono">{image}</code>:{' '}
          <code className="mono">podman tag &lt;image&gt; docker.io/{image}</code>
        </li>
        <li>
          Rescan: <code className="mono">walt image show --refresh</code>, then boot the board on the WalT network.
        </li>
      </ol>
    </div>
  );
}
