/**
 * Text that came from outside (vendor names, user agents, GA4 cells, export lines) on its way to
 * an operator's terminal or into a stored field. C0 controls (ESC starts ANSI sequences that can
 * recolour, retitle or rewrite the screen), DEL, C1 controls (U+009B is a one-byte CSI) and the
 * bidirectional overrides/isolates (which reorder what the eye reads, "Trojan Source") are what
 * a printed value must never carry. One definition, used by the CLI's printing and by the
 * redirect when it stores a user agent.
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** The text without control and bidi characters (nothing is substituted, so widths stay honest). */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}

const CONTROLS_BUT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Several lines of text for a terminal: like stripControls, but line feeds and tabs stay. */
export function stripControlsKeepingLines(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, '');
}

/**
 * One JSON line a terminal can show safely: JSON.stringify already escapes C0; the C1 and bidi
 * characters are escaped too (`\u009b`, `\u202e`), so the line still parses to the same value.
 */
export function terminalJson(value: unknown): string {
  return JSON.stringify(value).replace(CONTROLS, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Why a file is not JSON, without quoting it: V8's SyntaxError message repeats the file's first
 * bytes (`Unexpected token 'r', "root:$y$j9T$..." is not valid JSON`), and the file may be one
 * the operator pointed at by mistake, such as /etc/shadow. Only the position is kept.
 */
export function jsonSyntaxProblem(cause: unknown): string {
  const position = /position (\d+)/.exec(cause instanceof Error ? cause.message : '');
  return position ? `not valid JSON (at character ${position[1]})` : 'not valid JSON';
}
