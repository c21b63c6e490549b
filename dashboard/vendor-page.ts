/** `#/vendor/<code>`: one vendor's link, QR code and figures for the chosen period. */
import type { PeriodChoice } from '../core/period.ts';
import { analystFigures } from './api.ts';
import { h, placeInOrder, setText } from './dom.ts';
import { plural, prettyInstant } from './format.ts';
import { figuresSection, vendorsAndFigures } from './figures.ts';
import type { View } from './view.ts';
import { announce } from './widgets.ts';

/** The link with a copy button and the QR code with its downloads (the vendor page and the portal share it). */
export function sharePanel(code: string) {
  const qs = encodeURIComponent(code);
  const linkInput = h('input', { type: 'text', readonly: true, id: 'vendor-link', class: 'link-input', value: '', 'aria-describedby': 'copy-status' });
  const copyButton = h('button', { type: 'button', class: 'button', id: 'copy-link' }, 'Copy link');
  const copyStatus = h('span', { id: 'copy-status', class: 'muted', role: 'status' });
  // Below the fold on a phone: fetched and decoded when it is about to be seen.
  const qrImage = h('img', { class: 'qr', src: `/outreach/qr/${qs}.svg`, alt: '', width: 160, height: 160, loading: 'lazy', decoding: 'async' });
  const element = h(
    'section',
    { class: 'panel share', 'aria-labelledby': 'share-title' },
    h('h2', { id: 'share-title' }, 'Share'),
    h(
      'div',
      { class: 'share-grid' },
      h(
        'div',
        { class: 'share-link' },
        h('label', { for: 'vendor-link' }, 'Referral link'),
        h('div', { class: 'copy-row' }, linkInput, copyButton),
        copyStatus,
        h('p', { class: 'muted small' }, 'The QR code carries the same link with utm_content=qr, so counter-card scans are counted apart (see Placement below).'),
      ),
      h(
        'figure',
        { class: 'qr-box' },
        qrImage,
        h(
          'figcaption',
          {},
          h('a', { class: 'button secondary', href: `/outreach/qr/${qs}.png`, download: `${code}-qr.png` }, 'Download QR (PNG)'),
          h('a', { class: 'button secondary', href: `/outreach/qr/${qs}.svg`, download: `${code}-qr.svg` }, 'Download QR (SVG)'),
        ),
      ),
    ),
  );
  copyButton.addEventListener('click', async () => {
    const ok = await copyText(linkInput);
    setText(copyStatus, ok ? 'Copied to the clipboard.' : 'Could not copy: select the link and copy it by hand.');
  });
  return {
    element,
    update(name: string, link: string) {
      if (linkInput.value !== link) linkInput.value = link;
      linkInput.setAttribute('aria-label', `Referral link for ${name}`);
      qrImage.alt = `QR code of ${name}'s counter-card link`;
    },
  };
}

export function vendorView(main: HTMLElement, code: string, params: URLSearchParams, choose: (choice: PeriodChoice) => void): View {
  const heading = h('h1', { tabindex: -1 }, code);
  const status = h('span', { class: 'badge' });
  const clickWindow = h('p', { class: 'muted' });
  const share = sharePanel(code);
  const figures = figuresSection({ id: 'vendor', scopeLabel: code, fileScope: code, source: analystFigures(code), onChoose: choose });
  figures.setParams(params);
  const missing = h('div', { class: 'panel', hidden: true });
  const body = h('div', { class: 'page-body' });
  // The heading at once; the sections join below it in order as their figures arrive, so nothing shifts.
  main.replaceChildren(h('p', { class: 'crumb' }, h('a', { href: '#/' }, '← All vendors')), h('div', { class: 'page-head' }, h('div', { class: 'title-row' }, heading, status), clickWindow), missing, body);

  let name = code;
  let lastClicks: number | undefined;

  return {
    heading,
    get title() {
      return name;
    },
    setParams: (p) => figures.setParams(p),
    async refresh() {
      const got = await vendorsAndFigures(figures);
      const { answer } = got;
      const { timeZone, vendors } = answer;
      const vendor = vendors.find((v) => v.code === code);
      if (!vendor) {
        body.hidden = true;
        missing.hidden = false;
        missing.replaceChildren(h('p', {}, 'There is no vendor with the code ', h('code', {}, code), '. ', h('a', { href: '#/' }, 'See all vendors.')));
        return;
      }
      body.hidden = false;
      missing.hidden = true;
      name = vendor.name;
      document.title = `${vendor.name} · reftrack`;
      setText(heading, vendor.name);
      setText(status, vendor.status);
      status.className = `badge badge-${vendor.status === 'active' ? 'ok' : 'muted'}`;
      share.update(vendor.name, vendor.link);
      setText(clickWindow, `First click ${prettyInstant(vendor.totals.firstClickAt, timeZone)} · last click ${prettyInstant(vendor.totals.lastClickAt, timeZone)} · days in ${timeZone}`);
      const loaded = await got.figures();
      const fills = figures.fills(loaded);
      await placeInOrder(body, [
        [figures.picker, fills.get(figures.picker)],
        [figures.tiles, fills.get(figures.tiles)],
        [figures.breakdowns, fills.get(figures.breakdowns)],
        [figures.chart, fills.get(figures.chart)],
        [share.element, undefined],
        [figures.daily, fills.get(figures.daily)],
      ]);
      if (lastClicks !== undefined && vendor.totals.clicks > lastClicks) announce(`${vendor.name}: ${plural(vendor.totals.clicks, 'click')}`);
      lastClicks = vendor.totals.clicks;
    },
    destroy() {
      figures.destroy();
    },
  };
}

export async function copyText(input: HTMLInputElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    // No clipboard permission (or not a secure context): fall back to selecting the text.
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
