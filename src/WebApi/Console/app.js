import { api, credential, describe, path } from './api.js';
import { $, h, showError, announce } from './dom.js';
import { state, remembered } from './state.js';
import { showApiError } from './dialogs.js';
import * as keys from './keys.js';
import * as roles from './roles.js';
import * as audit from './audit.js';

const views = ['signin', 'orgs', 'keys', 'roles', 'audit'];
const pages = { keys, roles, audit };

function show(view) {
  for (const v of views) $(`view-${v}`).hidden = v !== view;
  const inOrg = view in pages;
  $('nav').hidden = !inOrg;
  $('session').hidden = view === 'signin';
  $('switch-org').hidden = state.self !== null || view === 'orgs';
  for (const link of $('nav').querySelectorAll('a')) {
    if (link.dataset.view === view) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.title = `${{ signin: 'Sign in', orgs: 'Organizations', keys: 'API keys', roles: 'Roles', audit: 'Audit log' }[view]} · KeyGrains`;
}

async function route() {
  if (!credential.get()) return show('signin');
  if (!state.org) return show('orgs');
  const view = location.hash.slice(1) in pages ? location.hash.slice(1) : 'keys';
  show(view);
  await pages[view].load();
}

function signOut(message) {
  credential.clear();
  remembered.clear();
  Object.assign(state, { self: null, org: null, roles: [] });
  keys.reset();
  $('signin-credential').value = '';
  showError($('signin-error'), message ?? '');
  show('signin');
  $('signin-credential').focus();
}

async function openOrg(id) {
  state.org = await api('GET', path`/v1/orgs/${id}`);
  remembered.setOrg(state.org.id);
  $('session-org').replaceChildren(
    h('span', { class: 'org-name' }, state.org.name),
    h('span', { class: `plan plan-${state.org.plan}` }, state.org.plan),
    h('span', { class: 'muted who' }, state.self ? `key “${state.self.name || state.self.id}”` : 'operator'));
  if (location.hash !== '#keys') history.replaceState(null, '', '#keys');
  await route();
}

async function signIn(event) {
  event.preventDefault();
  const token = $('signin-credential').value.trim();
  const error = $('signin-error');
  showError(error, '');
  if (!token) return showApiError(error, {}, 'Paste an API key or the operator token.');
  try {
    // An organization's key reads itself; the operator is refused with 403, which tells them apart.
    state.self = await api('GET', '/v1/keys/self', undefined, token);
  } catch (e) {
    if (e.status !== 403) return showApiError(error, e, describe(e));
    state.self = null;
  }
  if (state.self && !state.self.roles.includes('admin')) {
    state.self = null;
    return showApiError(error, {}, 'This key is valid but lacks the admin role, so it cannot manage keys. Sign in with an admin key or the operator token.');
  }
  credential.set(token);
  $('signin-credential').value = '';
  if (state.self) {
    await openOrg(state.self.orgId).catch((e) => signOut(describe(e)));
  } else {
    renderRecent();
    show('orgs');
    $('open-org-id').focus();
  }
}

function renderRecent() {
  const recent = remembered.recent();
  $('recent-orgs').hidden = recent.length === 0;
  $('recent-orgs-list').replaceChildren(...recent.map((o) =>
    h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => openOrg(o.id).catch((e) => showApiError($('open-org-error'), e, describe(e))) },
      o.name, h('span', { class: 'muted' }, ` (${o.id})`)))));
}

async function openOrgSubmit(event) {
  event.preventDefault();
  const id = $('open-org-id').value.trim();
  showError($('open-org-error'), '');
  if (!id) return showApiError($('open-org-error'), {}, 'Enter the ID of an organization.');
  await openOrg(id).catch((e) => showApiError($('open-org-error'), e,
    e.code === 'not_found' ? `There is no organization with the ID “${id}”.` : describe(e)));
}

async function createOrgSubmit(event) {
  event.preventDefault();
  const top = $('create-org-error');
  for (const id of ['org-name-error', 'org-id-error', 'org-limit-error']) showError($(id), '');
  const body = { name: $('org-name').value.trim(), plan: $('org-plan').value };
  if ($('org-id').value.trim()) body.id = $('org-id').value.trim();
  if ($('org-limit').value) body.keyLimit = Number($('org-limit').value);
  try {
    const org = await api('POST', '/v1/orgs', body);
    announce(`Organization ${org.name} created.`);
    $('create-org-form').reset();
    await openOrg(org.id);
  } catch (e) {
    showApiError(top, e, e.code === 'conflict' ? 'An organization with this ID already exists.' : describe(e),
      { name: 'org-name', id: 'org-id', keyLimit: 'org-limit' });
  }
}

credential.onRejected(() => signOut('Your session ended: the credential is no longer accepted. Sign in again.'));
$('signin-form').addEventListener('submit', signIn);
$('open-org-form').addEventListener('submit', openOrgSubmit);
$('create-org-form').addEventListener('submit', createOrgSubmit);
$('sign-out').addEventListener('click', () => signOut());
$('switch-org').addEventListener('click', () => { state.org = null; keys.reset(); renderRecent(); show('orgs'); $('open-org-id').focus(); });
window.addEventListener('hashchange', () => route().catch(() => {}));

// A reload in the same tab keeps the session: the credential and org are in sessionStorage.
(async () => {
  const token = credential.get();
  if (!token) return show('signin');
  try {
    state.self = await api('GET', '/v1/keys/self');
  } catch (e) {
    if (e.status !== 403) return signOut(e.status === 401 ? undefined : describe(e));
  }
  const org = state.self?.orgId ?? remembered.org();
  if (org) await openOrg(org).catch(() => { renderRecent(); show('orgs'); });
  else { renderRecent(); show('orgs'); }
})();
