import { useEffect, useId, useRef, type ReactNode, type RefObject } from 'react';

/** Props of a modal dialog. */
export interface DialogProps {
  title: ReactNode;
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom. */
  actions?: ReactNode;
  testId?: string;
  /** Element to focus when the dialog opens (defaults to the first focusable one). */
  initialFocus?: RefObject<HTMLElement | null>;
  size?: 'normal' | 'wide';
  tone?: 'normal' | 'danger';
}

/**
 * A modal built on the native <dialog> (focus trapped, Escape closes, background inert). Mount it to open it,
 * unmount it to close it.
 */
export function Dialog(props: DialogProps): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const { initialFocus } = props;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    const previouslyFocused = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!d.open) d.showModal();
    initialFocus?.current?.focus();
    return () => {
      if (d.open) d.close();
      previouslyFocused?.focus();
    };
  }, [initialFocus]);
  return (
    <dialog
      ref={ref}
      className={`dialog dialog--${props.size ?? 'normal'} dialog--${props.tone ?? 'normal'}`}
      aria-labelledby={titleId}
      data-testid={props.testId}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <div className="dialog__header">
        <h2 id={titleId} className="dialog__title">
          {props.title}
        </h2>
        <button type="button" className="dialog__close" aria-label="Close" onClick={props.onClose}>
          ×
        </button>
      </div>
      <div className="dialog__body">{props.children}</div>
      {props.actions && <div className="dialog__actions">{props.actions}</div>}
    </dialog>
  );
}
