import { api, describe, path } from './api.js';
import { $, h, announce } from './dom.js';
import { openDialog, clearErrors, fieldError, showApiError } from './dialogs.js';
import { parseIpLines } from './ip.js';
import { showSecret } from './secret.js';
import { state } from './state.js';

// The create and edit dialog: one form, two titles.
const dialog = $('key-dialog');
const form = $('key-form');
const fields = { name: 'key-name', description: 'key-description', roles: 'key-roles', expiresAt: 'key-expires', allowedIps: 'key-ips' };
let editing = null;
let done = () => {};

const dateOf = (iso) => (iso ? iso.slice(0, 10) : '');
const endOfDay = (date) => `${date}T23:59:59Z`;

function renderRoles(selected) {
  $('key-roles').replaceChildren(...state.roles.map((role) => {
    const id = `key-role-${role.name}`;
    const hint = role.description ? h('span', { id: `${id}-hint`, class: 'hint' }, role.description) : null;
    return h('div', { class: 'check' },
      h('input', { type: 'checkbox', id, value: role.name, checked: selected.includes(role.name), 'aria-describedby': hint ? `${id}-hint` : null }),
      h('label', { for: id }, role.name),
      hint);
  }));
}

export function openKeyForm(key, onDone) {
  editing = key;
  done = onDone;
  form.reset();
  clearErrors(form);
  $('key-dialog-title').textContent = key ? 'Edit API key' : 'Create API key';
  $('key-submit').textContent = key ? 'Save' : 'Create';
  $('key-name').value = key?.name ?? '';
  $('key-description').value = key?.description ?? '';
  $('key-expires').value = dateOf(key?.expiresAt);
  $('key-expires').min = new Date().toISOString().slice(0, 10);
  $('key-ips').value = (key?.allowedIps ?? []).join('\n');
  renderRoles(key?.roles ?? []);
  openDialog(dialog, $('key-name'));
}

$('key-ips').addEventListener('input', () => fieldError('key-ips', parseIpLines($('key-ips').value).error ?? ''));

function read() {
  const roles = [...$('key-roles').querySelectorAll('input:checked')].map((i) => i.value);
  const ips = parseIpLines($('key-ips').value);
  const expires = $('key-expires').value;
  let ok = true;
  const check = (id, message) => { fieldError(id, message ?? ''); if (message) ok = false; };
  check('key-name', $('key-name').value.trim() ? null : 'Give the key a name, so you can recognise it later.');
  check('key-roles', roles.length ? null : 'Choose at least one role.');
  check('key-ips', ips.error);
  check('key-expires', expires && endOfDay(expires) <= new Date().toISOString() ? 'Choose a date in the future.' : null);
  return ok && {
    name: $('key-name').value.trim(),
    description: $('key-description').value.trim() || null,
    roles,
    expiresAt: expires ? endOfDay(expires) : null,
    allowedIps: ips.entries.length ? ips.entries : null,
  };
}

/** For PATCH: only what changed, so an expired key's past date is not sent back as "new". */
function changes(key, values) {
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  const body = {};
  if (values.name !== key.name) body.name = values.name;
  if (!same(values.description, key.description || null)) body.description = values.description;
  if (!same([...values.roles].sort(), [...key.roles].sort())) body.roles = values.roles;
  if (dateOf(values.expiresAt) !== dateOf(key.expiresAt)) body.expiresAt = values.expiresAt;
  if (!same(values.allowedIps, key.allowedIps?.length ? key.allowedIps : null)) body.allowedIps = values.allowedIps;
  return body;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearErrors(form);
  const values = read();
  if (!values) return form.querySelector('[aria-invalid="true"]')?.focus();
  const submit = $('key-submit');
  submit.disabled = true;
  try {
    if (editing) {
      const updated = await api('PATCH', path`/v1/orgs/${state.org.id}/keys/${editing.id}`, changes(editing, values));
      dialog.close();
      announce(`Key ${updated.name} saved.`);
      await done();
    } else {
      const body = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== null));
      const created = await api('POST', path`/v1/orgs/${state.org.id}/keys`, body);
      dialog.close();
      const refreshed = done();
      await showSecret(created.key);
      await refreshed;
      announce(`Key ${created.name} created.`);
    }
  } catch (e) {
    showApiError($('key-form-error'), e, describe(e, { keyLimit: state.org.keyLimit }), fields);
  } finally {
    submit.disabled = false;
  }
});
