/**
 * The outreach use cases over their ports: the card store and the object sink are in-memory
 * implementations of the same contracts the DynamoDB and S3 adapters honour (those are tested
 * against DynamoDB Local and s3rver in test/integration).
 */
import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../../../core/errors.ts';
import { CardExistsError, ConcurrentCardChangeError, IllegalTransitionError, type ApprovalCard } from '../../../core/outreach/approval-card.ts';
import { addCard, CardNotFoundError, moveCard } from '../../../core/outreach/cards.ts';
import { buildOutreachKit, publishOutreachKit } from '../../../core/outreach/outreach-kit.ts';
import type { ApprovalCardStore, ObjectSink } from '../../../core/outreach/ports.ts';
import { Vendor } from '../../../core/vendor.ts';
import type { VendorCode } from '../../../core/vendor-code.ts';

class MemoryCardStore implements ApprovalCardStore {
  readonly cards = new Map<string, ApprovalCard>();
  readonly writes: Array<{ card: ApprovalCard; expectedVersion?: number }> = [];
  async get(vendor: VendorCode) {
    return this.cards.get(vendor);
  }
  async list() {
    return [...this.cards.values()];
  }
  async create(card: ApprovalCard) {
    if (this.cards.has(card.vendorCode)) throw new CardExistsError(`card ${card.vendorCode} exists`);
    this.cards.set(card.vendorCode, card);
    this.writes.push({ card });
  }
  async replace(card: ApprovalCard, expectedVersion: number) {
    if (this.cards.get(card.vendorCode)?.version !== expectedVersion) throw new ConcurrentCardChangeError(`card ${card.vendorCode} changed`);
    this.cards.set(card.vendorCode, card);
    this.writes.push({ card, expectedVersion });
  }
}

const at = (iso: string) => ({ now: () => new Date(iso) });
const code = 'boardbrew' as VendorCode;
const input = { vendorCode: code, cardType: 'vendor-approval' as const, previewUrl: 'https://ref.example.com/outreach#boardbrew' };

describe('addCard', () => {
  it('stores a new pending-send card stamped with the clock, and returns exactly what it stored', async () => {
    const store = new MemoryCardStore();
    const card = await addCard(store, { ...input, note: 'first draft' }, at('2026-11-25T17:00:00.000Z'));
    expect(card).toEqual({
      vendorCode: 'boardbrew', cardType: 'vendor-approval', previewUrl: 'https://ref.example.com/outreach#boardbrew', status: 'pending-send', version: 1,
      createdAt: '2026-11-25T17:00:00.000Z', updatedAt: '2026-11-25T17:00:00.000Z',
      history: [{ from: null, to: 'pending-send', at: '2026-11-25T17:00:00.000Z', note: 'first draft' }],
    });
    expect(store.cards.get(code)).toEqual(card);
  });

  it('a second card for the same vendor is refused by the store', async () => {
    const store = new MemoryCardStore();
    await addCard(store, input, at('2026-11-25T17:00:00.000Z'));
    await expect(addCard(store, input, at('2026-11-25T18:00:00.000Z'))).rejects.toBeInstanceOf(CardExistsError);
    expect(store.cards.get(code)!.createdAt).toBe('2026-11-25T17:00:00.000Z');
  });
});

describe('moveCard', () => {
  it('applies the move and writes it only over the version it read', async () => {
    const store = new MemoryCardStore();
    await addCard(store, input, at('2026-11-25T17:00:00.000Z'));
    const moved = await moveCard(store, code, 'approved', 'looks good', at('2026-11-25T17:30:00.000Z'));
    expect(moved.status).toBe('approved');
    expect(moved.version).toBe(2);
    expect(moved.history.at(-1)).toEqual({ from: 'pending-send', to: 'approved', at: '2026-11-25T17:30:00.000Z', note: 'looks good' });
    expect(store.cards.get(code)).toEqual(moved);
    expect(store.writes.at(-1)).toEqual({ card: moved, expectedVersion: 1 });
  });

  it('an unknown vendor is NotFound, telling how to create the card', async () => {
    const error = await moveCard(new MemoryCardStore(), code, 'approved', null, at('2026-11-25T17:30:00.000Z')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CardNotFoundError);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toBe('no approval card for vendor boardbrew (create one with outreach add-task)');
  });

  it('an illegal move writes nothing', async () => {
    const store = new MemoryCardStore();
    await addCard(store, input, at('2026-11-25T17:00:00.000Z'));
    await expect(moveCard(store, code, 'sent', null, at('2026-11-25T17:30:00.000Z'))).rejects.toBeInstanceOf(IllegalTransitionError);
    expect(store.writes).toHaveLength(1);
    expect(store.cards.get(code)!.status).toBe('pending-send');
  });

  it('of two approvers acting on the same read, the second is told (not retried)', async () => {
    const store = new MemoryCardStore();
    await addCard(store, input, at('2026-11-25T17:00:00.000Z'));
    const staleRead = store.cards.get(code)!;
    await moveCard(store, code, 'rejected', 'wrong address', at('2026-11-25T17:30:00.000Z'));
    // The second approver read before the reject landed.
    const racing: ApprovalCardStore = { ...store, get: async () => staleRead, list: () => store.list(), create: (c) => store.create(c), replace: (c, v) => store.replace(c, v) };
    const error = await moveCard(racing, code, 'approved', null, at('2026-11-25T17:31:00.000Z')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConcurrentCardChangeError);
    expect(error).toBeInstanceOf(ConflictError);
    expect(store.cards.get(code)!.status).toBe('rejected');
  });
});

describe('publishOutreachKit', () => {
  it('puts both QR files, then the template, with their content types; returns where they went', async () => {
    const puts: Array<[string, string, number]> = [];
    const sink: ObjectSink = {
      put: async (key, body, contentType) => void puts.push([key, contentType, typeof body === 'string' ? body.length : body.byteLength]),
      describe: (key) => `s3://outreach-bucket/${key}`,
    };
    const kit = await buildOutreachKit(Vendor.parse({ code: 'boardbrew', name: 'Board & Brew' }), { publicBaseUrl: 'https://ref.example.com', qrBaseUrl: 'https://ref.example.com/qr', brandName: 'Queen of San Diego' });
    const written = await publishOutreachKit(kit, sink);
    expect(puts).toEqual([
      ['vendor-referral/qr/boardbrew.png', 'image/png', kit.qrPng.byteLength],
      ['vendor-referral/qr/boardbrew.svg', 'image/svg+xml', kit.qrSvg.length],
      ['vendor-referral/templates/boardbrew-preview.html', 'text/html; charset=utf-8', kit.email.html.length],
    ]);
    expect(written).toEqual([
      's3://outreach-bucket/vendor-referral/templates/boardbrew-preview.html',
      's3://outreach-bucket/vendor-referral/qr/boardbrew.png',
      's3://outreach-bucket/vendor-referral/qr/boardbrew.svg',
    ]);
    expect(kit.qrPng.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});
