import { api, describe, path } from './api.js';
import { $, h, time, announce, showError } from './dom.js';
import { openDialog, showApiError } from './dialogs.js';
import { confirmAction } from './confirm.js';
import { openKeyForm } from './keyform.js';
import { showSecret } from './secret.js';
import { state } from './state.js';

const PAGE = 50;
let keys = [];
let next = null;
let searchTimer = 0;
let latest = 0;

export function reset() {
  keys = [];
  next = null;
  $('keys-search').value = '';
  $('keys-status').value = 'all';
  $('keys-body').replaceChildren();
}

export async function load() {
  await Promise.all([loadKeys(), loadOrg(), loadRoles()]);
}

async function loadOrg() {
  state.org = await api('GET', path`/v1/orgs/${state.org.id}`);
  const { activeKeyCount, keyLimit, plan } = state.org;
  $('keys-count').textContent = `${activeKeyCount} of ${keyLimit} active keys`;
  $('keys-count').classList.toggle('at-limit', activeKeyCount >= keyLimit);
  $('plan-notice').hidden = plan !== 'free';
}

export async function loadRoles() {
  state.roles = (await api('GET', path`/v1/orgs/${state.org.id}/roles`)).items;
}

async function loadKeys(more = false) {
  const query = new URLSearchParams({ status: $('keys-status').value, limit: String(PAGE) });
  const search = $('keys-search').value.trim();
  if (search) query.set('search', search);
  if (more && next) query.set('cursor', next);
  const ticket = ++latest;
  try {
    const page = await api('GET', `${path`/v1/orgs/${state.org.id}/keys`}?${query}`);
    // A slower answer to an older search must not overwrite the newer one.
    if (ticket !== latest) return;
    keys = more ? [...keys, ...page.items] : page.items;
    next = page.next;
    showError($('keys-error'), '');
    render();
  } catch (e) {
    showApiError($('keys-error'), e, describe(e));
  }
}

const refresh = () => Promise.all([loadKeys(), loadOrg()]);

const statusLabel = { active: 'Active', revoked: 'Revoked', expired: 'Expired' };

function cell(label, ...content) {
  return h('td', { 'data-label': label }, ...content);
}

function row(key) {
  const actions = [];
  if (key.status !== 'revoked') {
    actions.push(h('button', { type: 'button', class: 'small', onclick: () => openKeyForm(key, refresh) }, 'Edit'));
    actions.push(h('button', { type: 'button', class: 'small', onclick: () => rotate(key) }, 'Rotate'));
    actions.push(h('button', { type: 'button', class: 'small danger-text', onclick: () => revoke(key) }, 'Revoke'));
  }
  actions.push(h('button', { type: 'button', class: 'small danger-text', onclick: () => remove(key) }, 'Delete'));
  return h('tr', { class: `status-row-${key.status}` },
    h('th', { scope: 'row', 'data-label': 'Name' }, key.name || h('span', { class: 'muted' }, '(no name)')),
    cell('Description', key.description || h('span', { class: 'muted' }, '—')),
    cell('Roles', h('span', { class: 'chips' }, key.roles.map((r) => h('span', { class: 'chip' }, r)))),
    cell('Status', h('span', { class: `status status-${key.status}` }, statusLabel[key.status] ?? key.status)),
    cell('Key', h('code', { class: 'last4', title: 'The last four characters of the key' }, `…${key.last4}`)),
    cell('Created', time(key.createdAt)),
    cell('Expires', time(key.expiresAt)),
    cell('Last used', time(key.lastUsedAt, { withTime: true })),
    cell('Allowed IPs', key.allowedIps?.length ? h('span', { class: 'ips' }, key.allowedIps.join(', ')) : h('span', { class: 'muted' }, 'Any')),
    h('td', { class: 'actions-cell' }, h('div', { class: 'row-actions' }, actions)));
}

function render() {
  $('keys-body').replaceChildren(...keys.map(row));
  const filtered = $('keys-search').value.trim() || $('keys-status').value !== 'all';
  $('keys-empty').hidden = keys.length > 0;
  $('keys-empty').textContent = filtered
    ? 'No keys match this search and status.'
    : 'No API keys yet. Create one to let an application call your platform.';
  $('keys-more').hidden = !next;
}

function rotate(key) {
  const dialog = $('rotate-dialog');
  $('rotate-form').reset();
  $('rotate-text').textContent = `A new secret replaces the current one of “${key.name || key.id}”. Its name, roles and rules stay the same.`;
  $('rotate-form').onsubmit = async (event) => {
    event.preventDefault();
    const grace = Number($('rotate-form').elements.grace.value);
    try {
      const rotated = await api('POST', path`/v1/orgs/${state.org.id}/keys/${key.id}/rotate`, { gracePeriodSeconds: grace });
      dialog.close();
      const until = new Date(rotated.previousSecretExpiresAt);
      const note = grace > 0
        ? `The previous secret keeps working until ${until.toLocaleString()}.`
        : 'The previous secret has stopped working.';
      const refreshed = refresh();
      await showSecret(rotated.key, note);
      await refreshed;
      announce(`Key ${rotated.name} rotated.`);
    } catch (e) {
      showApiError($('rotate-error'), e, describe(e));
    }
  };
  openDialog(dialog, dialog.querySelector('input[name=grace]:checked'));
}

function revoke(key) {
  confirmAction({
    title: 'Revoke this key?',
    text: `“${key.name || key.id}” stops working at once for every application that uses it. This cannot be undone.`,
    button: 'Revoke key',
    action: async () => {
      await api('POST', path`/v1/orgs/${state.org.id}/keys/${key.id}/revoke`, {});
      announce(`Key ${key.name} revoked.`);
      await refresh();
    },
  });
}

function remove(key) {
  confirmAction({
    title: 'Delete this key?',
    text: `“${key.name || key.id}” is removed for good; applications that still use it are refused. This cannot be undone.`,
    button: 'Delete key',
    action: async () => {
      await api('DELETE', path`/v1/orgs/${state.org.id}/keys/${key.id}`);
      announce(`Key ${key.name} deleted.`);
      await refresh();
    },
  });
}

// The roles were loaded with the page (and the Roles page keeps them current): open at once, so
// nothing typed right after the click is lost.
$('create-key').addEventListener('click', () => openKeyForm(null, refresh));
$('keys-status').addEventListener('change', () => loadKeys());
$('keys-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => loadKeys(), 250);
});
$('keys-more').addEventListener('click', () => loadKeys(true));
