import { api, describe, path } from './api.js';
import { $, h, time, showError } from './dom.js';
import { showApiError } from './dialogs.js';
import { state } from './state.js';

const PAGE = 25;
// The cursors of the pages seen so far: cursors[n] is the `before` of page n (page 0 has none).
let cursors = [null];
let page = 0;
let next = null;

const actions = {
  'org.created': 'Organization created', 'org.updated': 'Organization updated',
  'role.upserted': 'Role saved', 'role.deleted': 'Role deleted',
  'key.created': 'Key created', 'key.updated': 'Key updated', 'key.rotated': 'Key rotated',
  'key.revoked': 'Key revoked', 'key.deleted': 'Key deleted', 'auth.refused': 'Access refused',
};

export async function load() {
  cursors = [null];
  page = 0;
  await show();
}

async function show() {
  const query = new URLSearchParams({ limit: String(PAGE) });
  if (cursors[page]) query.set('before', cursors[page]);
  try {
    const result = await api('GET', `${path`/v1/orgs/${state.org.id}/audit`}?${query}`);
    next = result.next;
    showError($('audit-error'), '');
    render(result.items);
  } catch (e) {
    showApiError($('audit-error'), e, describe(e));
  }
}

function actor(value) {
  if (value === 'operator') return 'Operator';
  return value.startsWith('key:') ? h('span', {}, 'Key ', h('code', {}, value.slice(4))) : value;
}

function render(items) {
  $('audit-body').replaceChildren(...items.map((e) => h('tr', { class: e.action === 'auth.refused' ? 'refused' : null },
    h('td', { 'data-label': 'Time' }, time(e.at, { precise: true })),
    h('td', { 'data-label': 'Actor' }, actor(e.actor)),
    h('td', { 'data-label': 'Action' }, h('span', { title: e.action }, actions[e.action] ?? e.action)),
    h('td', { 'data-label': 'Target' }, h('code', {}, e.target)),
    h('td', { 'data-label': 'Source IP' }, e.sourceIp ?? h('span', { class: 'muted' }, '—')),
    h('td', { 'data-label': 'Details' }, Object.entries(e.details ?? {}).map(([k, v]) => h('span', { class: 'detail' }, `${k}: ${v}`))))));
  $('audit-page').textContent = `Page ${page + 1}`;
  $('audit-newer').disabled = page === 0;
  $('audit-older').disabled = !next;
}

$('audit-older').addEventListener('click', async () => {
  cursors[page + 1] = next;
  page += 1;
  await show();
});
$('audit-newer').addEventListener('click', async () => {
  page = Math.max(0, page - 1);
  await show();
});
