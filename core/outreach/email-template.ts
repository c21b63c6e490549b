import type { Vendor } from '../vendor.ts';
import { escapeHtml } from './html.ts';
import type { OutreachLinks } from './links.ts';

export interface OutreachEmail {
  readonly subject: string;
  readonly html: string;
  /** The plain-text part (multipart/alternative): the same message for clients and readers that show no HTML. */
  readonly text: string;
}

export interface EmailSettings {
  /** The sender as the vendor knows it, e.g. `Queen of San Diego`. */
  readonly brandName: string;
}

/**
 * One vendor's outreach e-mail. Built for the clients vendors actually use (Gmail, Outlook
 * desktop and web, Apple Mail, phones):
 * - layout is nested tables with fixed attributes, because Outlook (Word engine) ignores
 *   flexbox, grid, max-width on divs and most margins; a 600 px `mso` wrapper pins its width;
 * - every style is inline: Gmail drops <link> stylesheets and, for forwarded or non-Google
 *   accounts, <style> blocks too; no media query is needed because the content table is
 *   fluid (width 100 %, max-width 600 px) and the only image scales down;
 * - no script, no form, no external CSS, no web fonts;
 * - the QR code is a hosted PNG (an absolute https URL), not a data: URI or inline <svg>.
 *   Gmail strips data: images and <svg> elements; Outlook blocks data: images. A hosted image
 *   is what every client fetches (after "show images"), and the alt text plus the printed
 *   link below it keep the message usable while images are blocked. The SVG is linked for
 *   printing, not embedded.
 * Every dynamic value is escaped, links included (they come from config, but escaping
 * costs nothing and keeps the rule "escape everything" free of exceptions).
 */
export function renderOutreachEmail(vendor: Vendor, links: OutreachLinks, settings: EmailSettings, portalLink: string | null = null): OutreachEmail {
  const name = escapeHtml(vendor.name);
  const brand = escapeHtml(settings.brandName);
  const referral = escapeHtml(links.referral);
  // Links the vendor clicks in their own e-mail open the preview: the vendor is not a guest.
  const preview = escapeHtml(links.vendorPreview);
  const qrImage = escapeHtml(links.qrImage);
  const qrVector = escapeHtml(links.qrVector);
  // The private page link is a credential: it goes only into the e-mail actually sent, never a shared preview.
  const portal = portalLink ? escapeHtml(portalLink) : null;
  const subject = `${settings.brandName} × ${vendor.name}: your referral link and counter QR code`;

  const font = "font-family:Helvetica,Arial,sans-serif;";
  const text = `${font}font-size:16px;line-height:24px;color:#1f2933;`;
  const html = `<!DOCTYPE html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="format-detection" content="telephone=no, address=no, email=no">
<title>${escapeHtml(subject)}</title>
</head>
<body style="margin:0;padding:0;background-color:#f2f4f7;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%;">
<div style="display:none;max-height:0;overflow:hidden;mso-hide:all;">Your personal ${brand} referral link, plus a QR code for your counter.</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:#f2f4f7;border-collapse:collapse;">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background-color:#ffffff;border-collapse:collapse;border-radius:8px;">
<tr><td style="padding:28px 28px 8px 28px;${font}font-size:22px;line-height:30px;font-weight:bold;color:#0b3954;">Hello ${name} team,</td></tr>
<tr><td style="padding:8px 28px;${text}">Thank you for recommending ${brand} to your guests. Below is <strong>${name}</strong>'s personal referral link: every guest who follows it is counted for you.</td></tr>
<tr><td align="center" style="padding:20px 28px;">
<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;">
<tr><td align="center" bgcolor="#0b3954" style="border-radius:6px;background-color:#0b3954;">
<a href="${preview}" target="_blank" rel="noopener" style="display:inline-block;padding:14px 28px;${font}font-size:16px;line-height:20px;font-weight:bold;color:#ffffff;text-decoration:none;border-radius:6px;">See where your link leads</a>
</td></tr></table>
</td></tr>
<tr><td style="padding:0 28px 8px 28px;${text}">Share this link on your site, menus, receipts or social posts:</td></tr>
<tr><td style="padding:0 28px 20px 28px;${font}font-size:15px;line-height:22px;word-break:break-all;"><a href="${preview}" target="_blank" rel="noopener" style="color:#0b66c3;text-decoration:underline;">${referral}</a></td></tr>
<tr><td style="padding:8px 28px;${text}"><strong>See your numbers:</strong> ${portal ? `your private page shows your clicks, the paid (qualified) ones, QR scans apart from shared links, and this month's estimated earnings: <a href="${portal}" target="_blank" rel="noopener" style="color:#0b66c3;text-decoration:underline;">see your numbers</a>. Keep this link to yourself; anyone who has it can see your figures.` : 'your private numbers page (clicks, the paid ones, QR scans apart from shared links) comes with the e-mail we send you; ask us if you need a new link.'}</td></tr>
<tr><td style="padding:8px 28px;${text}"><strong>For your counter:</strong> print this QR code on a card. Scans are counted separately from shared links, so you can see which works better.</td></tr>
<tr><td align="center" style="padding:12px 28px 4px 28px;">
<img src="${qrImage}" width="240" height="240" alt="QR code for ${name}'s referral link (scans are tracked as counter-card visits)" style="display:block;width:240px;max-width:100%;height:auto;border:0;outline:none;text-decoration:none;">
</td></tr>
<tr><td align="center" style="padding:4px 28px 24px 28px;${font}font-size:13px;line-height:20px;color:#52606d;">Download for print: <a href="${qrImage}" target="_blank" rel="noopener" style="color:#0b66c3;">PNG</a> &middot; <a href="${qrVector}" target="_blank" rel="noopener" style="color:#0b66c3;">SVG (any size)</a></td></tr>
<tr><td style="padding:16px 28px 28px 28px;border-top:1px solid #e4e7eb;${font}font-size:13px;line-height:20px;color:#52606d;">Questions? Just reply to this e-mail.<br>&mdash; The ${brand} team</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;
  const textPart = [
    `Hello ${vendor.name} team,`,
    '',
    `Thank you for recommending ${settings.brandName} to your guests. ${vendor.name}'s personal referral link is below: every guest who follows it is counted for you.`,
    '',
    links.referral,
    '',
    portalLink
      ? `See your numbers (your private page: clicks, the paid ones, QR scans apart from shared links, this month's estimated earnings; keep it to yourself):\n${portalLink}`
      : 'Your private numbers page comes with the e-mail we send you; ask us if you need a new link.',
    '',
    `For your counter: print the QR code (PNG ${links.qrImage}, SVG ${links.qrVector}). Scans are counted separately from shared links.`,
    '',
    'Questions? Just reply to this e-mail.',
    `- The ${settings.brandName} team`,
    '',
  ].join('\n');
  return { subject, html, text: textPart };
}
