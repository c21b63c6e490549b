/**
 * `#/outreach` (and `#/outreach/<code>` with that vendor's e-mail in the preview): the approval
 * board. Every vendor gets a card slot; the buttons offered are exactly the moves the card's
 * state machine allows from its status (core/outreach/approval-card.ts), and the server still
 * has the last word: a refused move (someone else moved the card first) is shown on the card.
 */
import { ApiError, api, type ApprovalCard, type CardStatus, type VendorSummary } from './api.ts';
import { h, idFor, setText } from './dom.ts';
import { prettyInstant } from './format.ts';
import type { View } from './view.ts';
import { announce, flash } from './widgets.ts';

const ACTIONS: Readonly<Record<CardStatus, ReadonlyArray<{ to: CardStatus; label: string; kind: string }>>> = {
  'pending-send': [
    { to: 'approved', label: 'Approve', kind: 'primary' },
    { to: 'rejected', label: 'Reject', kind: 'danger' },
  ],
  approved: [
    { to: 'sent', label: 'Mark sent', kind: 'primary' },
    { to: 'rejected', label: 'Reject', kind: 'danger' },
  ],
  rejected: [{ to: 'pending-send', label: 'Back to draft', kind: 'secondary' }],
  sent: [],
};

const STATUS_TEXT: Record<CardStatus, string> = { 'pending-send': 'pending send', approved: 'approved', sent: 'sent', rejected: 'rejected' };

interface Slot {
  readonly article: HTMLElement;
  readonly title: HTMLElement;
  readonly status: HTMLElement;
  readonly meta: HTMLElement;
  readonly actions: HTMLElement;
  readonly note: HTMLInputElement;
  readonly noteRow: HTMLElement;
  readonly error: HTMLElement;
  readonly previewButton: HTMLButtonElement;
  version: number | null;
  busy: boolean;
}

export function outreachView(main: HTMLElement, selected: string | null, refreshSoon: () => void): View {
  const heading = h('h1', { tabindex: -1 }, 'Outreach board');
  const list = h('ul', { class: 'cards', 'aria-label': 'Approval cards' });
  const previewTitle = h('h2', { id: 'preview-title', tabindex: -1 }, 'Preview');
  const previewHost = h('div', { class: 'preview-frame' });
  const phone = h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'false' }, 'Phone width (375 px)');
  const full = h('button', { type: 'button', class: 'button secondary small', 'aria-pressed': 'true' }, 'Full width');
  const openAlone = h('a', { class: 'small', href: '/outreach', target: '_blank', rel: 'noopener' }, 'Open the preview page');
  const preview = h(
    'section',
    { class: 'panel preview', 'aria-labelledby': 'preview-title' },
    h('div', { class: 'preview-head' }, previewTitle, h('div', { class: 'preview-tools', role: 'group', 'aria-label': 'Preview width' }, phone, full), openAlone),
    previewHost,
  );
  main.replaceChildren(
    h('div', { class: 'page-head' }, heading, h('p', { class: 'muted' }, 'Review each vendor’s e-mail, then approve, reject or mark it sent. Every move is kept with its time and note.')),
    h('div', { class: 'board' }, h('section', { class: 'board-list', 'aria-label': 'Cards' }, list), preview),
  );

  const slots = new Map<string, Slot>();
  const names = new Map<string, string>();
  let previewCode: string | null = null;
  let timeZone = 'UTC';

  const setWidth = (phoneWidth: boolean) => {
    phone.setAttribute('aria-pressed', String(phoneWidth));
    full.setAttribute('aria-pressed', String(!phoneWidth));
    previewHost.classList.toggle('narrow', phoneWidth);
  };
  phone.addEventListener('click', () => setWidth(true));
  full.addEventListener('click', () => setWidth(false));

  const showPreview = (code: string) => {
    const name = names.get(code) ?? code;
    setText(previewTitle, `Preview: ${name}`);
    openAlone.href = `/outreach#${encodeURIComponent(code)}`;
    for (const [c, slot] of slots) {
      slot.previewButton.setAttribute('aria-pressed', String(c === code));
      slot.article.classList.toggle('selected', c === code);
    }
    if (previewCode === code) return;
    previewCode = code;
    // The e-mail is served with a CSP that allows no script; the sandbox says the same once more.
    previewHost.replaceChildren(
      h('iframe', { src: `/outreach/templates/${encodeURIComponent(code)}.html`, title: `Outreach e-mail for ${name}`, sandbox: 'allow-popups allow-popups-to-escape-sandbox', id: 'preview-iframe' }),
    );
  };

  const slotFor = (code: string): Slot => {
    const existing = slots.get(code);
    if (existing) return existing;
    const titleId = idFor('card-title', code);
    const noteId = idFor('card-note', code);
    const title = h('h2', { id: titleId, class: 'card-title' }, code);
    const status = h('span', { class: 'badge', tabindex: -1 });
    const meta = h('p', { class: 'card-meta muted' });
    const actions = h('div', { class: 'card-actions', role: 'group', 'aria-labelledby': titleId });
    const note = h('input', { type: 'text', id: noteId, class: 'note-input', maxlength: 1000, autocomplete: 'off', placeholder: 'why (optional)' });
    const noteRow = h('div', { class: 'note-row' }, h('label', { for: noteId, class: 'small' }, 'Note'), note);
    const error = h('p', { class: 'card-error', role: 'alert', hidden: true });
    const previewButton = h('button', { type: 'button', class: 'button link', 'aria-pressed': 'false' }, 'Preview e-mail');
    const article = h('article', { class: 'card', 'data-vendor': code, 'aria-labelledby': titleId }, h('div', { class: 'card-head' }, title, status), meta, noteRow, h('div', { class: 'card-foot' }, actions, previewButton), error);
    previewButton.addEventListener('click', () => {
      history.replaceState(null, '', `#/outreach/${encodeURIComponent(code)}`);
      showPreview(code);
      // On a phone the preview sits below the cards: take the reader there.
      if (window.matchMedia('(max-width: 900px)').matches) preview.scrollIntoView({ block: 'start' });
      previewTitle.focus({ preventScroll: true });
    });
    const slot: Slot = { article, title, status, meta, actions, note, noteRow, error, previewButton, version: null, busy: false };
    slots.set(code, slot);
    return slot;
  };

  const move = async (code: string, slot: Slot, to: CardStatus) => {
    if (slot.busy) return;
    slot.busy = true;
    for (const b of slot.actions.querySelectorAll('button')) b.disabled = true;
    slot.error.hidden = true;
    try {
      const { card } = await api.moveCard(code, to, slot.note.value.trim() || null);
      slot.note.value = '';
      render(code, slot, card);
      announce(`${names.get(code) ?? code}: ${STATUS_TEXT[card.status]}`);
      slot.status.focus();
    } catch (error) {
      slot.error.hidden = false;
      setText(slot.error, error instanceof ApiError ? `Not done: ${error.message}` : 'Not done: the request failed.');
      for (const b of slot.actions.querySelectorAll('button')) b.disabled = false;
      slot.busy = false;
      // The card probably moved elsewhere: show where it is now, next to the reason.
      refreshSoon();
    } finally {
      slot.busy = false;
    }
  };

  const render = (code: string, slot: Slot, card: ApprovalCard | undefined) => {
    const name = names.get(code) ?? code;
    setText(slot.title, name);
    if (!card) {
      setText(slot.status, 'no card');
      slot.status.className = 'badge badge-muted';
      slot.article.classList.add('no-card');
      if (slot.meta.dataset.empty !== code) {
        slot.meta.dataset.empty = code;
        slot.meta.replaceChildren('No approval card yet. Create one with ', h('code', {}, `npx reftrack outreach add-task --card-type vendor-approval --vendor ${code}`));
      }
      slot.noteRow.hidden = true;
      slot.actions.replaceChildren();
      slot.version = null;
      return;
    }
    slot.article.classList.remove('no-card');
    delete slot.meta.dataset.empty;
    const last = card.history[card.history.length - 1];
    setText(slot.meta, `Updated ${prettyInstant(card.updatedAt, timeZone)}${last?.note ? ` · “${last.note}”` : ''}`);
    if (slot.version === card.version) return;
    const changed = slot.version !== null;
    slot.version = card.version;
    if (setText(slot.status, STATUS_TEXT[card.status]) && changed) flash(slot.status);
    slot.status.className = `badge status-${card.status}`;
    slot.status.setAttribute('data-status', card.status);
    const choices = ACTIONS[card.status];
    slot.noteRow.hidden = choices.length === 0;
    // Rebuilding the buttons would drop keyboard focus; keep it on the same action when it survives.
    const focused = slot.actions.contains(document.activeElement) ? (document.activeElement as HTMLElement).dataset.to : undefined;
    slot.actions.replaceChildren(
      ...choices.map((c) => {
        const b = h('button', { type: 'button', class: `button ${c.kind}`, 'data-to': c.to }, c.label);
        b.setAttribute('aria-label', `${c.label}: ${name}`);
        b.addEventListener('click', () => void move(code, slot, c.to));
        return b;
      }),
    );
    if (choices.length === 0) slot.actions.append(h('span', { class: 'muted small' }, 'Sent is final.'));
    if (focused) (slot.actions.querySelector(`[data-to="${focused}"]`) as HTMLElement | null)?.focus();
  };

  return {
    heading,
    title: 'Outreach board',
    async refresh() {
      const [{ vendors, timeZone: zone }, { cards }] = await Promise.all([api.vendors(), api.cards()]);
      timeZone = zone;
      const byCode = new Map(cards.map((c) => [c.vendorCode, c]));
      const ordered: VendorSummary[] = [...vendors].sort((a, b) => a.name.localeCompare(b.name));
      for (const v of ordered) names.set(v.code, v.name);
      const items = ordered.map((v) => {
        const slot = slotFor(v.code);
        if (!slot.busy) render(v.code, slot, byCode.get(v.code));
        return slot.article.parentElement ?? h('li', {}, slot.article);
      });
      const current = [...list.children];
      if (items.length !== current.length || items.some((li, i) => li !== current[i])) list.replaceChildren(...items);
      const want = previewCode ?? (selected && names.has(selected) ? selected : ordered[0]?.code);
      if (want) showPreview(want);
    },
    destroy() {},
  };
}
