/**
 * The station's event socket: the events of one turn of the event loop go out as one frame (one write, one task in
 * the browser), in emission order, and the renderer's station client reads both a lone event and a batch.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventMessage } from '../../../src-main/api/contract.js';
import { coalescingSink } from '../../../src-main/transports/station/event-frames.js';
import { parseEventFrame } from '../../../src-renderer/src/api/validate.js';

const status = (message: string): EventMessage => ({ event: 'bench.status', payload: { message } });

test('a burst of events leaves as one frame, in order; a lone event as itself; nothing after the socket went', () => {
  const frames: string[] = [];
  const pending: (() => void)[] = [];
  const sink = coalescingSink((f) => frames.push(f), (flush) => pending.push(flush));
  sink(status('a'));
  sink(status('b'));
  sink(status('c'));
  assert.equal(frames.length, 0, 'nothing is written before the turn ends');
  assert.equal(pending.length, 1, 'one flush per turn, not one per event');
  pending.shift()!();
  assert.deepEqual(frames.map((f) => JSON.parse(f)), [[status('a'), status('b'), status('c')]]);
  sink(status('d'));
  pending.shift()!();
  assert.deepEqual(JSON.parse(frames[1]!), status('d'));
  sink(status('e'));
  sink.drop();
  pending.shift()!();
  sink(status('f'));
  assert.equal(frames.length, 2, 'a closed socket gets nothing more');
  assert.equal(pending.length, 0);
});

test('the renderer reads a frame of one event or of a batch, dropping the malformed ones only', () => {
  assert.deepEqual(parseEventFrame(status('x')), [status('x')]);
  assert.deepEqual(parseEventFrame([status('x'), { event: 'bench.status', payload: { message: 7 } }, { event: 'no.such' }, status('y')]), [status('x'), status('y')]);
  assert.deepEqual(parseEventFrame(null), []);
});

test('with the real timer, the events of one turn share a frame and the next turn gets its own', async () => {
  const frames: unknown[] = [];
  const sink = coalescingSink((f) => frames.push(JSON.parse(f)));
  sink(status('1'));
  sink(status('2'));
  await new Promise((r) => setImmediate(r));
  sink(status('3'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(frames, [[status('1'), status('2')], status('3')]);
});

test('an event is sent as it was when emitted, even if its emitter changes the payload later in the turn', () => {
  const frames: string[] = [];
  const pending: (() => void)[] = [];
  const sink = coalescingSink((f) => frames.push(f), (flush) => pending.push(flush));
  const message = status('as emitted');
  sink(message);
  (message.payload as { message: string }).message = 'changed afterwards';
  sink(status('next'));
  pending.shift()!();
  assert.deepEqual(JSON.parse(frames[0]!), [status('as emitted'), status('next')]);
});
