// The REST API client: the credential lives in sessionStorage (this tab only) and travels in the
// Authorization header, never in a URL, a cookie or the console's own log.
const CREDENTIAL = 'keygrains.credential';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network' : 'unknown');
    this.errors = problem?.errors ?? {};
  }
}

let onSignedOut = () => {};

export const credential = {
  get: () => sessionStorage.getItem(CREDENTIAL),
  set: (value) => sessionStorage.setItem(CREDENTIAL, value),
  clear: () => sessionStorage.removeItem(CREDENTIAL),
  onRejected: (handler) => { onSignedOut = handler; },
};

export const path = (strings, ...values) =>
  strings.reduce((url, s, i) => url + s + (i < values.length ? encodeURIComponent(values[i]) : ''), '');

export async function api(method, url, body, token = credential.get()) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = { method, headers, cache: 'no-store', credentials: 'omit', referrerPolicy: 'no-referrer' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let response;
  try {
    response = await fetch(url, init);
  } catch {
    throw new ApiError(0, { detail: 'The server could not be reached. Check the connection and try again.' });
  }

  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && token === credential.get()) onSignedOut(error);
    throw error;
  }
  return data;
}

/** Plain words for an API refusal; `context` adds what the page knows (the org's key limit). */
export function describe(error, context = {}) {
  switch (error.code) {
    case 'key_limit_reached':
      return context.keyLimit
        ? `This organization has reached its limit of ${context.keyLimit} active keys. Revoke a key you no longer need, or ask the operator to raise the limit.`
        : 'This organization has reached its limit of active keys. Revoke a key you no longer need, or ask the operator to raise the limit.';
    case 'plan_restriction':
      return 'The free plan cannot create API keys. Ask the operator to move this organization to a paid plan.';
    case 'key_revoked':
      return 'This key has been revoked, so it can no longer be changed or rotated.';
    case 'unauthenticated':
      return 'That API key or operator token was not accepted. Check that you pasted all of it, and that the key is active.';
    case 'forbidden':
      return 'This credential is not allowed to do that. Managing keys needs a key with the admin role, or the operator token.';
    case 'not_found':
      return 'It was not found. It may have been deleted in another tab, or the ID is wrong.';
    case 'too_many_requests':
      return 'Too many failed attempts from this address. Wait a minute, then try again.';
    case 'service_unavailable':
      return 'The service is busy right now. Try again in a moment.';
    case 'payload_too_large':
      return 'That is too much to send at once. Shorten the text or the list of addresses.';
    case 'validation_failed':
      return Object.keys(error.errors).length ? 'Some fields need attention.' : error.message;
    default:
      return error.message;
  }
}
