import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../core/errors.ts';
import { CardStatus, IllegalTransitionError, newCard, transition, TRANSITIONS, type ApprovalCard } from '../../core/outreach/approval-card.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

const t0 = new Date('2026-11-25T17:00:00.000Z');
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
const draft = () => newCard({ vendorCode: 'boardbrew' as VendorCode, cardType: 'vendor-approval', previewUrl: 'http://localhost:3000/outreach#boardbrew' }, t0);

describe('approval card state machine', () => {
  it('a new card is pending-send, version 1, with its creation in the history', () => {
    const card = draft();
    expect(card).toMatchObject({ status: 'pending-send', version: 1, createdAt: t0.toISOString(), updatedAt: t0.toISOString() });
    expect(card.history).toEqual([{ from: null, to: 'pending-send', at: t0.toISOString(), note: null }]);
  });

  it('pending-send -> approved -> sent keeps every step with its time and note', () => {
    const approved = transition(draft(), 'approved', later(1), 'looks good');
    const sent = transition(approved, 'sent', later(2), 'sent from the shared inbox');
    expect(sent.status).toBe('sent');
    expect(sent.version).toBe(3);
    expect(sent.updatedAt).toBe(later(2).toISOString());
    expect(sent.createdAt).toBe(t0.toISOString());
    expect(sent.history.slice(1)).toEqual([
      { from: 'pending-send', to: 'approved', at: later(1).toISOString(), note: 'looks good' },
      { from: 'approved', to: 'sent', at: later(2).toISOString(), note: 'sent from the shared inbox' },
    ]);
  });

  it('reject, re-draft, approve; an approval can be withdrawn before sending', () => {
    let card: ApprovalCard = draft();
    card = transition(card, 'rejected', later(1), 'wrong address');
    card = transition(card, 'pending-send', later(2), 'fixed');
    card = transition(card, 'approved', later(3));
    card = transition(card, 'rejected', later(4), 'hold until spring');
    expect(card.history.map((h) => h.to)).toEqual(['pending-send', 'rejected', 'pending-send', 'approved', 'rejected']);
    expect(card.version).toBe(5);
  });

  it('does not change the card it was given', () => {
    const card = draft();
    transition(card, 'approved', later(1));
    expect(card.status).toBe('pending-send');
    expect(card.history).toHaveLength(1);
  });

  it.each([
    ['sent', 'pending-send'],
    ['sent', 'approved'],
    ['sent', 'rejected'],
    ['pending-send', 'sent'],
    ['rejected', 'approved'],
    ['rejected', 'sent'],
    ['approved', 'pending-send'],
    ['approved', 'approved'],
    ['pending-send', 'pending-send'],
  ] as const)('refuses %s -> %s with an error naming both', (from, to) => {
    const card: ApprovalCard = { ...draft(), status: from };
    let thrown: unknown;
    try {
      transition(card, to, later(1));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(IllegalTransitionError);
    expect(thrown).toBeInstanceOf(ConflictError);
    expect((thrown as Error).message).toContain(`from ${from} to ${to}`);
    expect(thrown).toMatchObject({ from, to, vendorCode: 'boardbrew' });
  });

  it('the error says what is allowed instead, or that sent is final', () => {
    expect(() => transition({ ...draft(), status: 'sent' }, 'pending-send', later(1))).toThrow('cannot go from sent to pending-send (sent is final)');
    expect(() => transition({ ...draft(), status: 'rejected' }, 'approved', later(1))).toThrow('(from rejected it can go to: pending-send)');
  });

  it('every listed transition is accepted and every other pair refused', () => {
    for (const from of CardStatus.options) {
      for (const to of CardStatus.options) {
        const attempt = () => transition({ ...draft(), status: from }, to, later(1));
        if (TRANSITIONS[from].includes(to)) expect(attempt().status).toBe(to);
        else expect(attempt).toThrow(IllegalTransitionError);
      }
    }
    // The table itself: the decided machine, so a change to it is a visible decision.
    expect(TRANSITIONS).toEqual({ 'pending-send': ['approved', 'rejected'], approved: ['sent', 'rejected'], rejected: ['pending-send'], sent: [] });
  });
});
