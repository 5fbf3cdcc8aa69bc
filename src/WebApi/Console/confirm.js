import { describe } from './api.js';
import { $ } from './dom.js';
import { openDialog, showApiError } from './dialogs.js';

// One confirmation dialog for every irreversible action: its title names the question, its
// confirming button names the action ("Revoke key", "Delete key", "Delete role").
const dialog = $('confirm-dialog');
let pending = null;

export function confirmAction({ title, text, button, action, explain = describe }) {
  pending = { action, explain };
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-submit').textContent = button;
  openDialog(dialog, dialog.querySelector('[data-close]'));
}

$('confirm-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const submit = $('confirm-submit');
  submit.disabled = true;
  try {
    await pending.action();
    dialog.close();
  } catch (e) {
    showApiError($('confirm-error'), e, pending.explain(e));
  } finally {
    submit.disabled = false;
  }
});
