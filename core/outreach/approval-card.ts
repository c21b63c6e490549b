import '../validation.ts';
import * as z from 'zod/mini';
import { ConflictError } from '../errors.ts';
import { VENDOR_CODE_PATTERN, type VendorCode } from '../vendor-code.ts';

/**
 * An approval card tracks one vendor's outreach e-mail from draft to sent.
 *
 *   pending-send ──approve──▶ approved ──send──▶ sent (final)
 *        │  ▲                    │
 *     reject │ re-draft        reject (approval withdrawn before sending)
 *        ▼  │                    │
 *      rejected ◀────────────────┘
 *
 * Decisions the issue left open:
 * - approved → rejected is allowed: an approver may withdraw before the e-mail goes out.
 * - approved → pending-send is not: a withdrawn approval goes through rejected (with a note
 *   saying why), so the history always shows who stopped it.
 * - sent is final: an e-mail cannot be unsent; a follow-up is a new card.
 * - a status to itself is illegal (approving an approved card is the second of two
 *   approvers, who should learn they lost, not silently "succeed").
 */
export const CardStatus = z.enum(['pending-send', 'approved', 'sent', 'rejected']);
export type CardStatus = z.infer<typeof CardStatus>;

export const CARD_TYPES = ['vendor-approval'] as const;
export const CardType = z.enum(CARD_TYPES);
export type CardType = z.infer<typeof CardType>;

export const TRANSITIONS: Readonly<Record<CardStatus, readonly CardStatus[]>> = {
  'pending-send': ['approved', 'rejected'],
  approved: ['sent', 'rejected'],
  rejected: ['pending-send'],
  sent: [],
};

export const CardHistoryEntry = z.object({
  /** null for the card's creation. */
  from: z.nullable(CardStatus),
  to: CardStatus,
  at: z.iso.datetime(),
  note: z.nullable(z.string().check(z.maxLength(1000))),
});
export type CardHistoryEntry = z.infer<typeof CardHistoryEntry>;

export const ApprovalCard = z.object({
  vendorCode: z.pipe(z.string().check(z.regex(VENDOR_CODE_PATTERN)), z.transform((s) => s as VendorCode)),
  cardType: CardType,
  previewUrl: z.url(),
  status: CardStatus,
  /** Bumped by every change; the store writes only if the version it read is still current. */
  version: z.int().check(z.gte(1)),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  history: z.array(CardHistoryEntry).check(z.minLength(1)),
});
export type ApprovalCard = z.infer<typeof ApprovalCard>;

/** A status change the state machine does not allow; a ConflictError (HTTP 409, CLI exit 1). */
export class IllegalTransitionError extends ConflictError {
  constructor(
    readonly vendorCode: VendorCode,
    readonly from: CardStatus,
    readonly to: CardStatus,
  ) {
    const allowed = TRANSITIONS[from];
    super(
      `card ${vendorCode} cannot go from ${from} to ${to}` +
        (allowed.length ? ` (from ${from} it can go to: ${allowed.join(', ')})` : ` (${from} is final)`),
    );
  }
}

export function canTransition(from: CardStatus, to: CardStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export interface NewCardInput {
  readonly vendorCode: VendorCode;
  readonly cardType: CardType;
  readonly previewUrl: string;
  readonly note?: string | null;
}

/** Cards are born pending-send: there is nothing to approve before a draft exists. */
export function newCard(input: NewCardInput, at: Date): ApprovalCard {
  const ts = at.toISOString();
  return ApprovalCard.parse({
    vendorCode: input.vendorCode,
    cardType: input.cardType,
    previewUrl: input.previewUrl,
    status: 'pending-send',
    version: 1,
    createdAt: ts,
    updatedAt: ts,
    history: [{ from: null, to: 'pending-send', at: ts, note: input.note ?? null }],
  });
}

/** The card after moving to `to`, with the move appended to its history; the input is not changed. */
export function transition(card: ApprovalCard, to: CardStatus, at: Date, note: string | null = null): ApprovalCard {
  if (!canTransition(card.status, to)) throw new IllegalTransitionError(card.vendorCode, card.status, to);
  const ts = at.toISOString();
  return {
    ...card,
    status: to,
    version: card.version + 1,
    updatedAt: ts,
    history: [...card.history, { from: card.status, to, at: ts, note }],
  };
}

/** add-task for a vendor that already has a card. */
export class CardExistsError extends ConflictError {}

/** Someone else changed the card between our read and our write; re-read and decide again. */
export class ConcurrentCardChangeError extends ConflictError {}
