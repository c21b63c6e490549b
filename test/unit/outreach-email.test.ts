import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { loadSeedVendors } from '../../config/seed-vendors.ts';
import { escapeHtml } from '../../core/outreach/html.ts';
import { outreachLinks } from '../../core/outreach/links.ts';
import { buildOutreachKit, publishedKeys, type OutreachSettings } from '../../core/outreach/outreach-kit.ts';
import { qrPng } from '../../core/outreach/qr-code.ts';
import { Vendor } from '../../core/vendor.ts';
import type { VendorCode } from '../../core/vendor-code.ts';

// jsqr is CommonJS with an ES-style `export default` in its types; under NodeNext the default
// import is module.exports, whose `.default` is the same function.
const jsQR = jsQRModule.default;

const settings: OutreachSettings = {
  publicBaseUrl: 'https://ref.example.com',
  qrBaseUrl: 'https://assets.example.com/vendor-referral/qr',
  brandName: 'Queen of San Diego',
};

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

const vendor = (code: string, name: string) => Vendor.parse({ code, name });

describe('outreach links', () => {
  it('the shared link is the plain referral path; the QR target adds utm_content=qr', () => {
    const links = outreachLinks('boardbrew' as VendorCode, settings);
    expect(links.referral).toBe('https://ref.example.com/ref/boardbrew');
    expect(new URL(links.referral).searchParams.has('utm_content')).toBe(false);
    const target = new URL(links.qrTarget);
    expect(target.origin + target.pathname).toBe('https://ref.example.com/ref/boardbrew');
    expect(target.searchParams.get('utm_content')).toBe('qr');
    expect(links.qrImage).toBe('https://assets.example.com/vendor-referral/qr/boardbrew.png');
    expect(links.qrVector).toBe('https://assets.example.com/vendor-referral/qr/boardbrew.svg');
  });

  it('keeps a path prefix on the base URL', () => {
    const links = outreachLinks('solare' as VendorCode, { ...settings, publicBaseUrl: 'https://example.com/go' });
    expect(links.referral).toBe('https://example.com/go/ref/solare');
    expect(links.qrTarget).toBe('https://example.com/go/ref/solare?utm_content=qr');
  });
});

describe('outreach e-mail template', () => {
  it.each(loadSeedVendors().map((v) => [v.code, v] as const))('renders %s with its name, link and QR image, email-safe', async (_code, v) => {
    const kit = await buildOutreachKit(v, settings);
    const { html, subject } = kit.email;
    expect(subject).toContain(v.name);
    expect(html).toContain(`Hello ${escapeHtml(v.name)} team,`);
    // Links open the vendor's uncounted preview; the text shows the plain link to share.
    expect(html).toContain(`href="https://ref.example.com/ref/${v.code}?preview=vendor"`);
    expect(html).toContain(`>https://ref.example.com/ref/${v.code}</a>`);
    expect(html).not.toContain(`href="https://ref.example.com/ref/${v.code}"`);
    expect(html).toContain(`>https://ref.example.com/ref/${v.code}</a>`);
    expect(html).toContain(`src="https://assets.example.com/vendor-referral/qr/${v.code}.png"`);
    expect(html).toMatch(/<img [^>]*alt="QR code for [^"]+"/);
    // Email-client safety: no script, no external or embedded stylesheet, no data: or svg images.
    expect(html).not.toMatch(/<script|<link|<style|javascript:|data:|<svg|class=/i);
    expect(html).toContain('role="presentation"');
    // Every text cell carries its font inline (Gmail drops <style>).
    expect(html).toContain('<tr><td style="padding:8px 28px;font-family:Helvetica,Arial,sans-serif;font-size:16px;line-height:24px;color:#1f2933;">Thank you for recommending');
    expect(html).toContain('max-width:600px');
    expect(html).toContain('<!--[if mso]>');
    expect(html).toContain('name="viewport"');
  });

  it('escapes an ampersand in the vendor name', async () => {
    const { html } = (await buildOutreachKit(vendor('boardbrew', 'Board & Brew'), settings)).email;
    expect(html).toContain('Hello Board &amp; Brew team,');
    expect(html).toContain('<strong>Board &amp; Brew</strong>');
    expect(html).not.toContain('Board & Brew');
  });

  it('a name with a script tag or quotes cannot open a tag or leave an attribute', async () => {
    const hostile = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
    const { html } = (await buildOutreachKit(vendor('evil', hostile), settings)).email;
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img src=x/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;');
    // The only <img> is ours, and its alt attribute is closed by our own quote.
    expect(html.match(/<img /g)).toHaveLength(1);
    expect(html).toMatch(/alt="QR code for &lt;script&gt;[^"]*'s referral link \(scans are tracked as counter-card visits\)"/);
  });

  it('escapeHtml covers the five special characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});

describe('QR code', () => {
  it.each(loadSeedVendors().map((v) => [v.code, v] as const))('the PNG for %s decodes back to its link with utm_content=qr', async (_code, v) => {
    const kit = await buildOutreachKit(v, settings);
    const decoded = decodeQr(kit.qrPng);
    expect(decoded).toBe(`https://ref.example.com/ref/${v.code}?utm_content=qr`);
    expect(decoded).toBe(kit.links.qrTarget);
  });

  it('decodes a long URL too, and a different link gives a different code', async () => {
    const long = `https://very-long-subdomain.referrals.example.com/some/prefix/ref/${'a'.repeat(32)}?utm_content=qr`;
    expect(decodeQr(await qrPng(long))).toBe(long);
    expect(decodeQr(await qrPng('https://ref.example.com/ref/solare?utm_content=qr'))).not.toBe(long);
  });

  it('the SVG is a standalone vector document', async () => {
    const kit = await buildOutreachKit(vendor('solare', 'Solare'), settings);
    expect(kit.qrSvg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"[^>]*viewBox="0 0 \d+ \d+"/);
    expect(kit.qrSvg).toContain('<path');
  });

  it('publishes under vendor-referral/', () => {
    expect(publishedKeys('boardbrew' as VendorCode)).toEqual({
      template: 'vendor-referral/templates/boardbrew-preview.html',
      qrPng: 'vendor-referral/qr/boardbrew.png',
      qrSvg: 'vendor-referral/qr/boardbrew.svg',
    });
  });

  it('has a plain-text part; links to the private page only when given one, and promises nothing otherwise', async () => {
    const vendor = Vendor.parse({ code: 'boardbrew', name: 'Board & Brew' });
    const preview = await buildOutreachKit(vendor, settings);
    expect(preview.email.html).not.toContain('any time');
    expect(preview.email.html).not.toContain('/portal#key=');
    expect(preview.email.text).toContain('Hello Board & Brew team,');
    expect(preview.email.text).toContain(`${settings.publicBaseUrl}/ref/boardbrew`);
    expect(preview.email.text).not.toMatch(/<[a-z]/i);
    const link = `${settings.publicBaseUrl}/portal#key=rtp1.abc.def`;
    const sent = await buildOutreachKit(vendor, settings, undefined, link);
    expect(sent.email.html).toContain(`href="${link}"`);
    expect(sent.email.html).toContain('see your numbers');
    expect(sent.email.html).toMatch(/QR scans apart from shared links/);
    expect(sent.email.text).toContain(link);
  });
});
