import { $, showError } from './dom.js';

// showModal() makes the rest of the page inert and closes on Escape; Tab is wrapped here too, so
// focus cycles inside the dialog instead of leaving for the browser's own controls.
const focusable = 'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Tab') return;
  const dialog = document.querySelector('dialog[open]');
  if (!dialog) return;
  const items = [...dialog.querySelectorAll(focusable)].filter((e) => e.offsetParent !== null);
  if (!items.length) return;
  const first = items[0];
  const last = items[items.length - 1];
  if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
  else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
});

for (const button of document.querySelectorAll('dialog [data-close]')) {
  button.addEventListener('click', () => button.closest('dialog').close());
}

export function openDialog(dialog, focus) {
  clearErrors(dialog);
  dialog.showModal();
  (focus ?? dialog.querySelector(focusable))?.focus();
}

export function clearErrors(root) {
  for (const e of root.querySelectorAll('.form-error, .field-error')) showError(e, '');
  for (const e of root.querySelectorAll('[aria-invalid]')) e.removeAttribute('aria-invalid');
}

/** Marks a field invalid with its message beside it (the field's `<id>-error` element). */
export function fieldError(fieldId, message) {
  const field = $(fieldId);
  const error = $(`${fieldId}-error`);
  if (!field || !error) return false;
  showError(error, message);
  if (message) field.setAttribute('aria-invalid', 'true'); else field.removeAttribute('aria-invalid');
  return true;
}

/**
 * Puts an API refusal where the user looks: each `errors` member beside its field (per the map
 * from API member to field id), and the rest as plain words at the top of the form.
 */
export function showApiError(topElement, error, text, fields = {}) {
  const unplaced = [];
  for (const [member, messages] of Object.entries(error.errors ?? {})) {
    const key = member.replace(/^\$\./, '').replace(/[[.].*$/, '');
    const fieldId = fields[key] ?? fields[key.charAt(0).toLowerCase() + key.slice(1)];
    const message = [messages].flat().join(' ');
    if (!fieldId || !fieldError(fieldId, message)) unplaced.push(message);
  }
  const top = [text, ...unplaced].filter(Boolean).join(' ');
  showError(topElement, top);
  const first = [...(topElement.closest('form, section, dialog') ?? document).querySelectorAll('[aria-invalid="true"]')][0];
  if (!first) topElement.tabIndex = -1;
  (first ?? topElement).focus();
}
