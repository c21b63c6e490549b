import type { VendorCode } from '../vendor-code.ts';

/** The placement value a scanned counter card carries; the redirect stores it as `placement`. */
export const QR_PLACEMENT = 'qr';

/**
 * `?preview=vendor` on a referral link: the redirect sends the visitor on as usual but records
 * no click. The vendor's own e-mail links carry it, so opening one's own e-mail (or a mail
 * scanner following its links) never pays the vendor. Adding it by hand only makes a click unpaid.
 */
export const VENDOR_PREVIEW = { param: 'preview', value: 'vendor' } as const;

export interface OutreachLinks {
  /** The link the vendor shares: `<base>/ref/<code>`. */
  readonly referral: string;
  /** What the e-mail's buttons and links open: the referral link marked as the vendor's preview (never counted). */
  readonly vendorPreview: string;
  /** What the QR code encodes: the referral link plus `utm_content=qr`, so scans are counted apart. */
  readonly qrTarget: string;
  /** Absolute URL of the QR PNG an e-mail client fetches. */
  readonly qrImage: string;
  /** Absolute URL of the vector QR (for print shops). */
  readonly qrVector: string;
}

export interface LinkSettings {
  /** No trailing slash, e.g. `https://ref.example.com` (config strips it). */
  readonly publicBaseUrl: string;
  /** Where `<code>.png` / `<code>.svg` are served, no trailing slash. */
  readonly qrBaseUrl: string;
}

export function outreachLinks(code: VendorCode, settings: LinkSettings): OutreachLinks {
  // The code matches [a-z0-9-] (VendorCode), so it needs no encoding in a path.
  const referral = `${settings.publicBaseUrl}/ref/${code}`;
  const qr = new URL(referral);
  qr.searchParams.set('utm_content', QR_PLACEMENT);
  const preview = new URL(referral);
  preview.searchParams.set(VENDOR_PREVIEW.param, VENDOR_PREVIEW.value);
  return {
    referral,
    vendorPreview: preview.toString(),
    qrTarget: qr.toString(),
    qrImage: `${settings.qrBaseUrl}/${code}.png`,
    qrVector: `${settings.qrBaseUrl}/${code}.svg`,
  };
}
