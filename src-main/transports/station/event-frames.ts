import type { EventSink } from '../../api/dispatcher.js';
import type { EventMessage } from '../../api/contract.js';

/**
 * One WebSocket frame per turn of the event loop instead of one per event: a burst (50 boards' DISCOVERs read in one
 * poll, each making five events) goes out as one write, and the browser takes it in one task, one render. A frame
 * holds one event object when the turn emitted one, else an array of them in emission order (the renderer's
 * station client reads both).
 */
export function coalescingSink(send: (frame: string) => void, defer: (flush: () => void) => void = setImmediate): EventSink & { drop(): void } {
  // Each message is serialised as it is emitted (a payload its emitter changes later in the turn is sent as it was).
  let queue: string[] = [];
  let dropped = false;
  const flush = (): void => {
    const batch = queue;
    queue = [];
    if (dropped || batch.length === 0) return;
    send(batch.length === 1 ? batch[0]! : `[${batch.join(',')}]`);
  };
  const sink = (message: EventMessage): void => {
    if (dropped) return;
    queue.push(JSON.stringify(message));
    if (queue.length === 1) defer(flush);
  };
  return Object.assign(sink, {
    drop: () => {
      dropped = true;
      queue = [];
    },
  });
}
