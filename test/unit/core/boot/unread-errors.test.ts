/**
 * A success that never reached a kernel, followed by failure words no pattern reads (another loader's error after
 * the NBP was fetched), is an unsure verdict: low confidence and a hint naming the line, never a confident success.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeLog } from '../../../../src-main/core/boot/analyzer.js';

const IPXE_FETCH = [
  'iPXE 1.0.0+ (0600d) -- Open Source Network Boot Firmware -- http://ipxe.org',
  'Configuring (net0 02:00:10:ad:4a:47)... ok',
  'net0: 192.168.67.26/255.255.255.0 gw 192.168.67.1',
  'tftp://192.168.67.10/boot/loader.0... ok',
];
const log = (lines: string[]): string => `${lines.join('\r\n')}\r\n`;

test('failure words after the fetched NBP, no kernel: success with low confidence and a hint', () => {
  const { verdict } = analyzeLog(log([...IPXE_FETCH, 'loader: error: cannot read the menu file', 'rescue>']));
  assert.equal(verdict.outcome, 'success');
  assert.equal(verdict.confidence, 'low');
  assert.ok(verdict.hints.some((h) => h.includes('loader: error: cannot read the menu file')), verdict.hints.join(' | '));
});

test('the same fetch with nothing after it, or plain text after it: a confident success', () => {
  for (const tail of [[], ['Loading the menu, please wait']]) {
    const { verdict } = analyzeLog(log([...IPXE_FETCH, ...tail]));
    assert.equal(verdict.outcome, 'success');
    assert.equal(verdict.confidence, 'high', tail.join());
    assert.ok(!verdict.hints.some((h) => h.startsWith('The log goes on')));
  }
});

test('failure words after a kernel started, or before the success, leave the success confident', () => {
  const afterKernel = analyzeLog(log([...IPXE_FETCH, 'Booting Linux on physical CPU 0x0', 'systemd[1]: Failed to start Foo.service.'])).verdict;
  assert.equal(afterKernel.outcome, 'success');
  assert.equal(afterKernel.confidence, 'high');
  const before = analyzeLog(log([IPXE_FETCH[0]!, 'probe: error: no floppy', ...IPXE_FETCH.slice(1)])).verdict;
  assert.equal(before.outcome, 'success');
  assert.equal(before.confidence, 'high');
});

test('a later step read after the failure words clears the doubt', () => {
  const { verdict } = analyzeLog(log([...IPXE_FETCH, 'loader: error: optional file missing', 'tftp://192.168.67.10/boot/kernel... ok']));
  assert.equal(verdict.outcome, 'success');
  assert.equal(verdict.confidence, 'high');
});
