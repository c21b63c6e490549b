import type { Vendor } from '../vendor.ts';
import type { VendorCode } from '../vendor-code.ts';
import { renderOutreachEmail, type EmailSettings, type OutreachEmail } from './email-template.ts';
import { outreachLinks, type LinkSettings, type OutreachLinks } from './links.ts';
import type { ObjectSink } from './ports.ts';
import { renderQrImages, type QrImages } from './qr-code.ts';

export type OutreachSettings = LinkSettings & EmailSettings;

/** Everything one vendor's outreach needs: the e-mail and its QR code in both formats. */
export interface OutreachKit {
  readonly vendor: Vendor;
  readonly links: OutreachLinks;
  readonly email: OutreachEmail;
  readonly qrPng: Buffer;
  readonly qrSvg: string;
}

/** `portalLink`: the vendor's private page link, only for the e-mail that is actually sent (it is a credential). */
export async function buildOutreachKit(vendor: Vendor, settings: OutreachSettings, qrImages: QrImages = renderQrImages, portalLink: string | null = null): Promise<OutreachKit> {
  const links = outreachLinks(vendor.code, settings);
  const { png, svg } = await qrImages(links.qrTarget);
  return { vendor, links, email: renderOutreachEmail(vendor, links, settings, portalLink), qrPng: png, qrSvg: svg };
}

/** Bucket keys, as the original tooling laid them out (`vendor-referral/templates/<code>-preview.html`). */
export const publishedKeys = (code: VendorCode) => ({
  template: `vendor-referral/templates/${code}-preview.html`,
  qrPng: `vendor-referral/qr/${code}.png`,
  qrSvg: `vendor-referral/qr/${code}.svg`,
});

/**
 * Writes the template and both QR files. The QR files go up too because the e-mail's
 * image is a hosted PNG: a deployment sets OUTREACH_QR_BASE_URL to where this prefix is served.
 */
export async function publishOutreachKit(kit: OutreachKit, sink: ObjectSink): Promise<string[]> {
  const keys = publishedKeys(kit.vendor.code);
  await sink.put(keys.qrPng, kit.qrPng, 'image/png');
  await sink.put(keys.qrSvg, kit.qrSvg, 'image/svg+xml');
  // The template last: once it is visible, the images it points at already are.
  await sink.put(keys.template, kit.email.html, 'text/html; charset=utf-8');
  return [keys.template, keys.qrPng, keys.qrSvg].map((k) => sink.describe(k));
}
