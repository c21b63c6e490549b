/**
 * HTML escaping for text and attribute values. Vendor names are typed by people
 * (`Board & Brew`) and could be hostile (`<script>`); every dynamic value in a template
 * goes through `escapeHtml`, so a name can never open a tag or leave an attribute.
 */
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ENTITIES[ch]!);
}
