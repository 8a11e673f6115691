import type { ReactNode } from 'react';

/** One of the three big step panels (number, title, body). */
export function StepPanel(props: {
  step: number;
  title: string;
  done: boolean;
  testId: string;
  aside?: ReactNode;
  children: ReactNode;
  className?: string;
}): ReactNode {
  const id = `step-${props.step}-title`;
  return (
    <section
      className={`step${props.done ? ' step--done' : ''}${props.className ? ` ${props.className}` : ''}`}
      aria-labelledby={id}
      data-testid={props.testId}
    >
      <header className="step__header">
        <span className="step__number" aria-hidden="true">
          {props.done ? '✓' : props.step}
        </span>
        <h2 id={id} className="step__title">
          <span className="visually-hidden">Step {props.step}: </span>
          {props.title}
        </h2>
        {props.aside && <div className="step__aside">{props.aside}</div>}
      </header>
      <div className="step__body">{props.children}</div>
    </section>
  );
}
