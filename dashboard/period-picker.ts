/**
 * The period picker: presets and a custom range of business days, with the comparison period
 * spelled out. A real <select>, date inputs and a submit button inside a labelled form, so it
 * works with a keyboard and a screen reader as is.
 */
import { customRangeProblem, PERIOD_LABELS, PERIOD_PRESETS, resolvePeriod, type PeriodChoice, type ResolvedPeriod } from '../core/period.ts';
import { h, setText } from './dom.ts';
import { prettyDay } from './format.ts';

export interface PeriodPicker {
  readonly element: HTMLElement;
  /** Shows a choice (from the URL) without announcing a change. */
  show(choice: PeriodChoice, today: string): ResolvedPeriod;
}

export function rangeText(r: { from: string; to: string }): string {
  return r.from === r.to ? prettyDay(r.from) : `${prettyDay(r.from)} – ${prettyDay(r.to)}`;
}

export function periodPicker(id: string, onChoose: (choice: PeriodChoice) => void): PeriodPicker {
  const select = h('select', { id: `${id}-preset`, name: 'period' }, ...[...PERIOD_PRESETS, 'custom' as const].map((p) => h('option', { value: p }, PERIOD_LABELS[p])));
  const from = h('input', { type: 'date', id: `${id}-from`, name: 'from', required: true });
  const to = h('input', { type: 'date', id: `${id}-to`, name: 'to', required: true });
  const custom = h('div', { class: 'custom-range' }, h('label', { for: `${id}-from` }, 'From'), from, h('label', { for: `${id}-to` }, 'To'), to, h('button', { type: 'submit', class: 'button small' }, 'Show'));
  const problem = h('p', { class: 'form-problem', id: `${id}-problem`, role: 'alert' });
  const summary = h('p', { class: 'muted small period-summary', id: `${id}-summary` });
  const form = h(
    'form',
    { class: 'period-picker', 'aria-label': 'Period', 'aria-describedby': `${id}-summary` },
    h('div', { class: 'picker-row' }, h('label', { for: `${id}-preset` }, 'Period'), select, custom),
    problem,
    summary,
  );
  const syncCustom = () => {
    custom.hidden = select.value !== 'custom';
  };
  select.addEventListener('change', () => {
    syncCustom();
    setText(problem, '');
    if (select.value !== 'custom') onChoose({ preset: select.value as (typeof PERIOD_PRESETS)[number] });
    else from.focus();
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (select.value !== 'custom') return onChoose({ preset: select.value as (typeof PERIOD_PRESETS)[number] });
    const why = customRangeProblem(from.value, to.value);
    setText(problem, why ? `Cannot show this range: ${why}.` : '');
    if (!why) onChoose({ preset: 'custom', from: from.value, to: to.value });
  });
  return {
    element: form,
    show(choice, today) {
      const resolved = resolvePeriod(choice, today);
      select.value = choice.preset;
      if (choice.preset === 'custom' || !from.value) {
        from.value = resolved.from;
        to.value = resolved.to;
      }
      syncCustom();
      setText(summary, `${rangeText(resolved)} (${resolved.days} ${resolved.days === 1 ? 'day' : 'days'}), compared with ${rangeText(resolved.previous)}.`);
      return resolved;
    },
  };
}
