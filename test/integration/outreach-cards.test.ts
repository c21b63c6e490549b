import { beforeAll, describe, expect, it } from 'vitest';
import { dynamodb } from '../support/clients.ts';
import { DynamoApprovalCardStore } from '../../adapters/dynamodb-outreach-store.ts';
import type { TableNames } from '../../adapters/provision.ts';
import { ConflictError } from '../../core/errors.ts';
import { CardExistsError, ConcurrentCardChangeError, IllegalTransitionError, transition } from '../../core/outreach/approval-card.ts';
import { addCard, CardNotFoundError, moveCard } from '../../core/outreach/cards.ts';
import type { Clock } from '../../core/ports.ts';
import type { VendorCode } from '../../core/vendor-code.ts';
import { freshTables } from '../support/tables.ts';

const code = (c: string) => c as VendorCode;
let now = new Date('2026-11-25T17:00:00.000Z');
const clock: Clock = { now: () => now };
const tick = () => (now = new Date(now.getTime() + 60_000));
const newTask = (vendor: string) => ({ vendorCode: code(vendor), cardType: 'vendor-approval' as const, previewUrl: `http://localhost:3000/outreach#${vendor}` });

describe('approval cards in DynamoDB Local', () => {
  let tables: TableNames;
  let store: DynamoApprovalCardStore;

  beforeAll(async () => {
    tables = await freshTables();
    store = new DynamoApprovalCardStore(dynamodb, tables.state);
  });

  it('add-task then approve persists the status, version and history', async () => {
    await addCard(store, newTask('boardbrew'), clock);
    tick();
    await moveCard(store, code('boardbrew'), 'approved', 'copy checked', clock);

    const stored = await new DynamoApprovalCardStore(dynamodb, tables.state).get(code('boardbrew'));
    expect(stored).toMatchObject({ vendorCode: 'boardbrew', cardType: 'vendor-approval', status: 'approved', version: 2, previewUrl: 'http://localhost:3000/outreach#boardbrew' });
    expect(stored!.history).toEqual([
      { from: null, to: 'pending-send', at: '2026-11-25T17:00:00.000Z', note: null },
      { from: 'pending-send', to: 'approved', at: '2026-11-25T17:01:00.000Z', note: 'copy checked' },
    ]);
  });

  it('a second add-task for the same vendor is refused and changes nothing', async () => {
    await addCard(store, newTask('solare'), clock);
    await moveCard(store, code('solare'), 'rejected', 'typo', clock);
    await expect(addCard(store, newTask('solare'), clock)).rejects.toThrow(CardExistsError);
    await expect(addCard(store, newTask('solare'), clock)).rejects.toThrow('already has an approval card (status rejected)');
    expect((await store.get(code('solare')))!.status).toBe('rejected');
  });

  it('an illegal transition is refused and the stored card is unchanged', async () => {
    await addCard(store, newTask('puesto'), clock);
    await moveCard(store, code('puesto'), 'approved', null, clock);
    await moveCard(store, code('puesto'), 'sent', null, clock);
    const before = await store.get(code('puesto'));
    await expect(moveCard(store, code('puesto'), 'pending-send', 'again?', clock)).rejects.toThrow(IllegalTransitionError);
    await expect(moveCard(store, code('puesto'), 'pending-send', 'again?', clock)).rejects.toThrow('cannot go from sent to pending-send');
    expect(await store.get(code('puesto'))).toEqual(before);
  });

  it('moving a card that does not exist is a not-found', async () => {
    await expect(moveCard(store, code('wholefoods'), 'approved', null, clock)).rejects.toThrow(CardNotFoundError);
  });

  it('two approvers who read the same version: one wins, the other gets a ConflictError', async () => {
    await addCard(store, newTask('totalwine'), clock);
    const seenByA = (await store.get(code('totalwine')))!;
    const seenByB = (await store.get(code('totalwine')))!;
    await store.replace(transition(seenByA, 'approved', clock.now(), 'A approves'), seenByA.version);
    const late = store.replace(transition(seenByB, 'rejected', clock.now(), 'B rejects'), seenByB.version);
    await expect(late).rejects.toThrow(ConcurrentCardChangeError);
    await expect(store.replace(transition(seenByB, 'rejected', clock.now(), 'B rejects'), seenByB.version)).rejects.toThrow('it is now approved, version 2');
    const stored = (await store.get(code('totalwine')))!;
    expect(stored.status).toBe('approved');
    expect(stored.history.map((h) => h.note)).toEqual([null, 'A approves']);
  });

  it('ten concurrent approvals: exactly one succeeds, the others get ConflictErrors, history has one approval', async () => {
    await addCard(store, newTask('gbvintners'), clock);
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => moveCard(store, code('gbvintners'), 'approved', `approver ${i}`, clock)));
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(9);
    for (const r of lost) expect(r.reason).toBeInstanceOf(ConflictError);
    const stored = (await store.get(code('gbvintners')))!;
    expect(stored.version).toBe(2);
    expect(stored.history.filter((h) => h.to === 'approved')).toHaveLength(1);
  });

  it('list returns the cards only (not the vendors sharing the table)', async () => {
    const cards = await store.list();
    expect(cards.map((c) => c.vendorCode).sort()).toEqual(['boardbrew', 'gbvintners', 'puesto', 'solare', 'totalwine']);
  });
});
