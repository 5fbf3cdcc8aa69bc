// Building elements with text nodes only: nothing the API returns is ever parsed as HTML.
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  element.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return element;
}

export const $ = (id) => document.getElementById(id);

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const preciseFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** A <time> element, readable in the table and exact in its tooltip. */
export function time(value, { withTime = false, precise = false, none = 'Never' } = {}) {
  if (!value) return h('span', { class: 'muted' }, none);
  const date = new Date(value);
  return h('time', { datetime: value, title: date.toISOString() }, (precise ? preciseFormat : withTime ? timeFormat : dateFormat).format(date));
}

export function announce(message) {
  const region = $('announce');
  region.textContent = '';
  setTimeout(() => { region.textContent = message; }, 50);
}

/** Shows a message in an error element (a role=alert region), or hides it when empty. */
export function showError(element, message) {
  element.textContent = message ?? '';
  element.hidden = !message;
}
