import { api, describe, path } from './api.js';
import { $, h, announce, showError } from './dom.js';
import { openDialog, clearErrors, fieldError, showApiError } from './dialogs.js';
import { confirmAction } from './confirm.js';
import { state } from './state.js';

const dialog = $('role-dialog');
const form = $('role-form');
const roleName = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
const part = '([a-z0-9_-]{1,64}|\\*)';
const permission = new RegExp(`^(\\*|${part}:${part})$`);
let editing = null;

export async function load() {
  try {
    state.roles = (await api('GET', path`/v1/orgs/${state.org.id}/roles`)).items;
    showError($('roles-error'), '');
    render();
  } catch (e) {
    showApiError($('roles-error'), e, describe(e));
  }
}

function render() {
  $('roles-body').replaceChildren(...state.roles.map((role) => h('tr', {},
    h('th', { scope: 'row', 'data-label': 'Name' }, role.name),
    h('td', { 'data-label': 'Description' }, role.description || h('span', { class: 'muted' }, '—')),
    h('td', { 'data-label': 'Permissions' }, h('span', { class: 'chips' }, role.permissions.map((p) => h('code', { class: 'chip' }, p)))),
    h('td', { 'data-label': 'Type' }, h('span', { class: role.builtIn ? 'tag' : 'tag tag-custom' }, role.builtIn ? 'Built-in' : 'Custom')),
    h('td', { class: 'actions-cell' }, role.builtIn ? h('span', { class: 'muted small-text' }, 'Cannot be changed') : h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'small', onclick: () => open(role) }, 'Edit'),
      h('button', { type: 'button', class: 'small danger-text', onclick: () => remove(role) }, 'Delete'))))));
}

function open(role) {
  editing = role;
  form.reset();
  clearErrors(form);
  $('role-dialog-title').textContent = role ? `Edit role ${role.name}` : 'Create role';
  $('role-name').value = role?.name ?? '';
  $('role-name').readOnly = !!role;
  $('role-description').value = role?.description ?? '';
  $('role-permissions').value = (role?.permissions ?? []).join('\n');
  openDialog(dialog, role ? $('role-description') : $('role-name'));
}

function readPermissions() {
  const lines = $('role-permissions').value.split('\n').map((l) => l.trim()).filter(Boolean);
  const bad = lines.find((l) => !permission.test(l));
  if (bad) return { lines, error: `“${bad}” is not a permission: use resource:action, such as clusters:read or backups:*.` };
  if (lines.length === 0) return { lines, error: 'Add at least one permission.' };
  if (lines.length > 100) return { lines, error: 'At most 100 permissions.' };
  return { lines, error: null };
}

$('role-permissions').addEventListener('input', () => {
  const { error } = readPermissions();
  fieldError('role-permissions', $('role-permissions').value.trim() ? (error ?? '') : '');
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form);
  const name = $('role-name').value.trim();
  const permissions = readPermissions();
  let ok = true;
  if (!roleName.test(name)) { fieldError('role-name', 'Use lowercase letters, digits, dots, dashes or underscores, starting with a letter or digit.'); ok = false; }
  if (permissions.error) { fieldError('role-permissions', permissions.error); ok = false; }
  if (!ok) return form.querySelector('[aria-invalid="true"]')?.focus();
  try {
    const body = { description: $('role-description').value.trim() || null, permissions: permissions.lines };
    await api('PUT', path`/v1/orgs/${state.org.id}/roles/${name}`, body);
    dialog.close();
    announce(`Role ${name} saved.`);
    await load();
  } catch (e) {
    const text = e.code === 'conflict' ? `“${name}” is a built-in role and cannot be changed.` : describe(e);
    showApiError($('role-form-error'), e, text, { name: 'role-name', description: 'role-description', permissions: 'role-permissions' });
  }
});

function remove(role) {
  confirmAction({
    title: 'Delete this role?',
    text: `The role “${role.name}” is removed. Keys cannot be given it any more.`,
    button: 'Delete role',
    explain: (e) => (e.code === 'conflict'
      ? `An active key still holds “${role.name}”. Take the role away from those keys, or revoke them, then delete it.`
      : describe(e)),
    action: async () => {
      await api('DELETE', path`/v1/orgs/${state.org.id}/roles/${role.name}`);
      announce(`Role ${role.name} deleted.`);
      await load();
    },
  });
}

$('create-role').addEventListener('click', () => open(null));
