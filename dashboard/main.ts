/**
 * The dashboard: hash routes, one page at a time, refreshed in place every ~2 s from the
 * analyst API. A refresh rewrites only the text that changed, so scroll position, focus and
 * text selection survive it; new clicks are announced through the polite live region.
 */
import { periodToParams, type PeriodChoice } from '../core/period.ts';
import { ApiError, businessTimeZone, currentToken, MissingTokenError, tokens, useTokenSource } from './api.ts';
import { chooseSignIn, localTokenSignIn, type SignIn } from './sign-in.ts';
import { byId, h, setText, yieldToMain } from './dom.ts';
import { clockTime } from './format.ts';
import { outreachView } from './outreach-board.ts';
import { overviewView } from './overview.ts';
import { isRoute, parseRoute, routeHash, samePage, type Route } from './route.ts';
import { vendorView } from './vendor-page.ts';
import type { View } from './view.ts';

const POLL_MS = 2_000;

const main = byId('main');
const updated = byId('updated');
const problem = byId('problem');

let view: View | undefined;
let generation = 0;
let timer: number | undefined;
let stopped = false;

let route: Route | undefined;

/** A new period: into the URL (so the link opens this view), then the page updates in place. */
function choosePeriod(choice: PeriodChoice): void {
  if (!route) return;
  location.hash = routeHash({ ...route, params: periodToParams(choice) });
}

function open(next: Route, userNavigated: boolean): void {
  if (view && route && samePage(route, next) && view.setParams) {
    // Same page, new parameters (the period): update in place; focus stays on the picker.
    route = next;
    view.setParams(next.params);
    generation++;
    void refreshNow();
    return;
  }
  route = next;
  view?.destroy();
  generation++;
  window.scrollTo(0, 0);
  view =
    next.page === 'vendor'
      ? vendorView(main, next.code, next.params, choosePeriod)
      : next.page === 'outreach'
        ? outreachView(main, next.code, () => void refreshNow())
        : overviewView(main, next.params, choosePeriod);
  for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    if (link.dataset.nav === (next.page === 'outreach' ? 'outreach' : 'overview')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${view.title} · reftrack`;
  // After a click on a link, move focus to the new page's heading so a screen reader starts there.
  if (userNavigated) view.heading.focus();
  // The page's heading is painted first; its figures are asked for in the next task.
  void yieldToMain().then(refreshNow);
}

/** One refresh at a time: asking during one (a route change, a refused card move) runs another right after. */
let inFlight = false;
let again = false;

async function refreshNow(): Promise<void> {
  if (inFlight) {
    again = true;
    return;
  }
  inFlight = true;
  window.clearTimeout(timer);
  const mine = generation;
  const current = view;
  try {
    await current?.refresh();
    if (mine !== generation) return;
    problem.hidden = true;
    problem.replaceChildren();
    lastSuccess = new Date();
    setText(updated, `updated ${stamp(lastSuccess)}`);
    document.title = `${current?.title ?? 'reftrack'} · reftrack`;
  } catch (error) {
    if (mine !== generation) return;
    if (error instanceof MissingTokenError || (error instanceof ApiError && error.status === 401)) return needToken(error instanceof ApiError);
    showProblem(error instanceof ApiError ? error.message : 'Something went wrong while loading; retrying.');
  } finally {
    inFlight = false;
    if (!stopped) {
      if (again || mine !== generation) {
        again = false;
        void refreshNow();
      } else timer = window.setTimeout(() => void refreshNow(), POLL_MS);
    }
  }
}

function showProblem(message: string): void {
  problem.hidden = false;
  problem.replaceChildren(h('p', {}, h('strong', {}, 'Could not refresh: '), message, ' The numbers shown are from the last successful update.'));
  // From the time of the last success, not from the header's text (which would grow on every failed poll).
  setText(updated, lastSuccess ? `stale since ${stamp(lastSuccess)}` : 'not updated yet');
}

/** When the numbers on screen were fetched; null until the first success. */
let lastSuccess: Date | null = null;

function stamp(at: Date): string {
  const zone = businessTimeZone();
  return zone ? `${clockTime(at, zone)} ${zone.replace(/_/g, ' ')} time` : clockTime(at);
}

let signIn: SignIn = localTokenSignIn;

function needToken(rejected: boolean): void {
  stopped = true;
  // Reopened right after signing in, so a deep link survives the sign-in.
  tokens.rememberRoute(location.hash);
  view?.destroy();
  view = undefined;
  setText(updated, 'not connected');
  if (signIn.begin) {
    const begin = signIn.begin;
    const button = h('button', { type: 'button', class: 'button' }, 'Sign in');
    button.addEventListener('click', () => begin());
    main.replaceChildren(
      h(
        'section',
        { class: 'panel notice', 'aria-labelledby': 'token-title' },
        h('h1', { id: 'token-title', tabindex: -1 }, rejected ? 'Your session has ended' : 'Sign in to the reftrack dashboard'),
        h('p', {}, 'Sign in with your analyst account. The first time, you set a password and enrol an authenticator app for the one-time codes.'),
        button,
      ),
    );
    return;
  }
  main.replaceChildren(
    h(
      'section',
      { class: 'panel notice', 'aria-labelledby': 'token-title' },
      h('h1', { id: 'token-title', tabindex: -1 }, rejected ? 'The dashboard’s access token was not accepted' : 'Open the link printed by npm start'),
      h('p', {}, 'The dashboard reads the analyst API, which needs an access token. ', 'Open the dashboard link that ', h('code', {}, 'npm start'), ' prints; it looks like ', h('code', {}, `${location.origin}/#token=…`), '.'),
      h('p', { class: 'muted' }, 'Locally the token is ', h('code', {}, 'apiToken'), ' in ', h('code', {}, '.data/secrets.json'), '. It is kept only for this browser tab.'),
    ),
  );
}

window.addEventListener('hashchange', () => {
  if (location.hash.startsWith('#token=')) {
    tokens.adopt(); // replaceState to the remembered route: no second hashchange, so open it below
    stopped = false;
  }
  // `#main` (the skip link) and other in-page anchors are not routes: the page stays as it is.
  if (!isRoute(location.hash)) return;
  if (currentToken()) open(parseRoute(location.hash), true);
});

// The skip link moves focus to the content without touching the URL (the route stays shareable).
document.querySelector<HTMLAnchorElement>('.skip-link')?.addEventListener('click', (e) => {
  e.preventDefault();
  main.focus();
});

// In AWS /dashboard-config.json names the Cognito sign-in (authorization code + PKCE); locally the #token= link.
signIn = await chooseSignIn();
if (signIn.kind === 'oidc') {
  const oidc = signIn;
  useTokenSource({ current: () => oidc.token(), adopt: () => null, forget: () => {}, rememberRoute: () => {} });
  await oidc.complete();
  const signOut = oidc.signOut!;
  const button = h('button', { type: 'button', class: 'button secondary sign-out' }, 'Sign out');
  button.addEventListener('click', () => signOut());
  document.querySelector('.topbar-inner')?.append(button);
}
tokens.adopt();
if (currentToken()) open(parseRoute(isRoute(location.hash) ? location.hash : '#/'), false);
else needToken(false);
