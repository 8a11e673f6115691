import { useState, type ReactNode } from 'react';
import { RackView } from './rack/rack-view.js';
import { SingleCheck } from './single-check.js';

type CheckMode = 'single' | 'rack';

const MODES: { value: CheckMode; label: string }[] = [
  { value: 'single', label: 'One board' },
  { value: 'rack', label: 'Rack' },
];

/** The boot check view: one board with its link's evidence, or a whole rack at once (one row per board). */
export function CheckView(props: { visible?: boolean }): ReactNode {
  const visible = props.visible !== false;
  const [mode, setMode] = useState<CheckMode>('single');
  return (
    <div className="check-view" data-testid="check-view" data-mode={mode}>
      <div className="check-mode-switch" role="tablist" aria-label="What to check">
        {MODES.map((m) => (
          <button
            key={m.value}
            type="button"
            role="tab"
            aria-selected={mode === m.value}
            className={`check-mode-switch__tab${mode === m.value ? ' check-mode-switch__tab--on' : ''}`}
            data-testid={`check-mode-switch-${m.value}`}
            onClick={() => setMode(m.value)}
          >
            {m.label}
          </button>
        ))}
      </div>
      {mode === 'single' ? <SingleCheck visible={visible} /> : <RackView visible={visible} />}
    </div>
  );
}
