import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OfferFollowUp } from '../../../../src-main/core/net/offer-follow-up.js';

const MAC = '52:54:00:ae:00:01';
describe('boards that ignore their OFFERs', () => {
  it('says so once at the third OFFER in a row, again only after the streak ended', () => {
    const f = new OfferFollowUp(3);
    assert.equal(f.offered(MAC, '192.168.152.100'), null);
    assert.equal(f.offered(MAC, '192.168.152.100'), null);
    assert.match(f.offered(MAC, '192.168.152.100')!, /52:54:00:ae:00:01 ignored 3 OFFERs in a row .*does not receive/);
    assert.equal(f.offered(MAC, '192.168.152.100'), null, 'told once per streak');
    f.answered(MAC);
    assert.equal(f.offered(MAC, '192.168.152.100'), null);
  });
  it('remembers a bounded number of boards', () => {
    const f = new OfferFollowUp(2, 4);
    for (let i = 0; i < 10; i++) f.offered(`52:54:00:00:00:${i.toString(16).padStart(2, '0')}`, '192.168.152.100');
    assert.equal(f.offered('52:54:00:00:00:00', '192.168.152.100'), null, 'the oldest board was forgotten: a new streak');
    assert.match(f.offered('52:54:00:00:00:09', '192.168.152.100')!, /ignored 2 OFFERs/);
  });
});
