import { NotFoundError } from '../errors.ts';
import type { Clock } from '../ports.ts';
import type { VendorCode } from '../vendor-code.ts';
import { newCard, transition, type ApprovalCard, type CardStatus, type NewCardInput } from './approval-card.ts';
import type { ApprovalCardStore } from './ports.ts';

export class CardNotFoundError extends NotFoundError {}

export async function addCard(store: ApprovalCardStore, input: NewCardInput, clock: Clock): Promise<ApprovalCard> {
  const card = newCard(input, clock.now());
  await store.create(card);
  return card;
}

/**
 * Reads the card, applies the state machine, writes it back only if nobody changed it in
 * between. The read-decide-write is not retried: if another approver moved the card first,
 * the move they made may make ours wrong (approve after a reject), so the caller is told.
 */
export async function moveCard(store: ApprovalCardStore, vendor: VendorCode, to: CardStatus, note: string | null, clock: Clock): Promise<ApprovalCard> {
  const card = await store.get(vendor);
  if (!card) throw new CardNotFoundError(`no approval card for vendor ${vendor} (create one with outreach add-task)`);
  const next = transition(card, to, clock.now(), note);
  await store.replace(next, card.version);
  return next;
}
