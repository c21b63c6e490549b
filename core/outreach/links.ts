import type { VendorCode } from '../vendor-code.ts';

/** The placement value a scanned counter card carries; the redirect stores it as `placement`. */
export const QR_PLACEMENT = 'qr';

export interface OutreachLinks {
  /** The link the vendor shares: `<base>/ref/<code>`. */
  readonly referral: string;
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
  return {
    referral,
    qrTarget: qr.toString(),
    qrImage: `${settings.qrBaseUrl}/${code}.png`,
    qrVector: `${settings.qrBaseUrl}/${code}.svg`,
  };
}
