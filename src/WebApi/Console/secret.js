import { $, h } from './dom.js';
import { openDialog } from './dialogs.js';

// The secret is shown once: written only to an input's value, and removed from the page when the
// dialog closes, whichever way it closes (Done, Escape).
const dialog = $('secret-dialog');

export function showSecret(secret, note = '') {
  const input = h('input', { id: 'secret-value', class: 'secret', readonly: true, spellcheck: 'false', autocomplete: 'off' });
  input.value = secret;
  input.addEventListener('focus', () => input.select());
  $('secret-slot').replaceChildren(h('label', { for: 'secret-value' }, 'Secret'), input);
  $('secret-note').textContent = note;
  $('copy-status').textContent = '';
  openDialog(dialog, $('secret-copy'));
  return new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
}

function forget() {
  $('secret-slot').replaceChildren();
  $('secret-note').textContent = '';
  $('copy-status').textContent = '';
}

// 'close' is queued after the dialog hides; forgetting at Done and at Escape ('cancel') as well
// means the secret is gone from the page the moment the dialog is.
dialog.addEventListener('cancel', forget);
dialog.addEventListener('close', forget);
$('secret-done').addEventListener('click', () => { forget(); dialog.close(); });

$('secret-copy').addEventListener('click', async () => {
  const input = $('secret-value');
  if (!input) return;
  try {
    await navigator.clipboard.writeText(input.value);
    $('copy-status').textContent = 'Copied to the clipboard.';
  } catch {
    input.select();
    $('copy-status').textContent = 'Select the key and copy it with Ctrl+C or ⌘C.';
  }
});
