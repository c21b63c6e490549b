/** `#/vendor/<code>`: one vendor's link, QR code, headline numbers, chart and daily table. */
import { api } from './api.ts';
import { dailyChart } from './chart.ts';
import { h, setText } from './dom.ts';
import { addDays, businessToday, plural, prettyInstant } from './format.ts';
import { DAYS_SHOWN, type View } from './view.ts';
import { announce, dailyTable, figureTiles } from './widgets.ts';

export function vendorView(main: HTMLElement, code: string): View {
  const qs = encodeURIComponent(code);
  const heading = h('h1', { tabindex: -1 }, code);
  const status = h('span', { class: 'badge' });
  const linkInput = h('input', { type: 'text', readonly: true, id: 'vendor-link', class: 'link-input', value: '', 'aria-describedby': 'copy-status' });
  const linkLabel = h('label', { for: 'vendor-link' }, 'Referral link');
  const copyButton = h('button', { type: 'button', class: 'button', id: 'copy-link' }, 'Copy link');
  const copyStatus = h('span', { id: 'copy-status', class: 'muted', role: 'status' });
  const qrImage = h('img', { class: 'qr', src: `/outreach/qr/${qs}.svg`, alt: '', width: 160, height: 160 });
  const clickWindow = h('p', { class: 'muted' });
  const tiles = figureTiles('All-time totals');
  const chart = dailyChart({ id: 'vendor-chart', title: `Daily clicks, last ${DAYS_SHOWN} days` });
  const daily = dailyTable({ id: 'vendor-daily', caption: `Daily figures, last ${DAYS_SHOWN} days` });
  const body = h('div', { class: 'vendor-body' });
  const missing = h('div', { class: 'panel', hidden: true });

  body.append(
    h(
      'section',
      { class: 'panel share', 'aria-labelledby': 'share-title' },
      h('h2', { id: 'share-title' }, 'Share'),
      h(
        'div',
        { class: 'share-grid' },
        h(
          'div',
          { class: 'share-link' },
          linkLabel,
          h('div', { class: 'copy-row' }, linkInput, copyButton),
          copyStatus,
          h('p', { class: 'muted small' }, 'The QR code carries the same link with utm_content=qr, so counter-card scans are counted apart.'),
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
    ),
    tiles.element,
    h('section', { class: 'panel' }, chart.element),
    h('section', { class: 'panel' }, daily.element),
  );
  main.replaceChildren(h('p', { class: 'crumb' }, h('a', { href: '#/' }, '← All vendors')), h('div', { class: 'page-head' }, h('div', { class: 'title-row' }, heading, status), clickWindow), missing, body);

  copyButton.addEventListener('click', async () => {
    const ok = await copyText(linkInput);
    setText(copyStatus, ok ? 'Copied to the clipboard.' : 'Could not copy: select the link and copy it by hand.');
  });

  let name = code;
  let lastClicks: number | undefined;

  return {
    heading,
    get title() {
      return name;
    },
    async refresh() {
      const { timeZone, vendors } = await api.vendors();
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
      if (linkInput.value !== vendor.link) linkInput.value = vendor.link;
      linkInput.setAttribute('aria-label', `Referral link for ${vendor.name}`);
      qrImage.alt = `QR code of ${vendor.name}'s counter-card link`;
      setText(clickWindow, `First click ${prettyInstant(vendor.totals.firstClickAt, timeZone)} · last click ${prettyInstant(vendor.totals.lastClickAt, timeZone)} · days in ${timeZone}`);
      tiles.update(vendor.totals);

      const today = businessToday(timeZone);
      const rollups = await api.rollups({ vendor: code, from: addDays(today, -(DAYS_SHOWN - 1)), to: today });
      chart.update(rollups.days);
      daily.update(rollups.days);
      if (lastClicks !== undefined && vendor.totals.clicks > lastClicks) announce(`${vendor.name}: ${plural(vendor.totals.clicks, 'click')}`);
      lastClicks = vendor.totals.clicks;
    },
    destroy() {
      chart.destroy();
    },
  };
}

async function copyText(input: HTMLInputElement): Promise<boolean> {
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
