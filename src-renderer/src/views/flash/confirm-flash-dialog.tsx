import { useRef, type ReactNode } from 'react';
import type { DriveIdentityData, ImageInfo } from '../../../../src-main/api/contract.js';
import { Dialog } from '../../components/dialog.js';
import { formatBytes, formatCardSize, plural } from '../../util/format.js';
import { baseName } from './use-image.js';

/** One card about to be erased. */
export interface FlashTarget {
  identity: DriveIdentityData;
  large: boolean;
}

/** The last question before anything is erased: which cards, with which image. */
export function ConfirmFlashDialog(props: {
  image: ImageInfo;
  targets: FlashTarget[];
  verify: boolean;
  title?: string;
  onCancel(): void;
  onConfirm(): void;
}): ReactNode {
  const cancelRef = useRef<HTMLButtonElement>(null);
  const n = props.targets.length;
  const imageName = props.image.entry ? baseName(props.image.entry) : props.image.name;
  return (
    <Dialog
      title={props.title ?? `Erase ${plural(n, 'card')}?`}
      onClose={props.onCancel}
      testId="confirm-dialog"
      tone="danger"
      size="wide"
      initialFocus={cancelRef}
      actions={
        <>
          <button ref={cancelRef} type="button" className="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="button" className="button button--danger" data-testid="confirm-flash" onClick={props.onConfirm}>
            Erase and flash {plural(n, 'card')}
          </button>
        </>
      }
    >
      <p>
        Everything on {n === 1 ? 'this card' : `these ${n} cards`} will be erased and replaced by{' '}
        <strong className="break">{imageName}</strong> ({formatBytes(props.image.size)}
        {props.verify ? ', then verified' : ', not verified'}).
      </p>
      <table className="table table--erase">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">Description</th>
            <th scope="col" className="num">
              Size
            </th>
          </tr>
        </thead>
        <tbody>
          {props.targets.map((t) => (
            <tr key={t.identity.device}>
              <td className="mono">{t.identity.device}</td>
              <td>
                {t.identity.description}
                {t.large && <span className="badge badge--danger">large drive</span>}
              </td>
              <td className="num">{formatCardSize(t.identity.size)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
