// What the console knows about the signed-in session; the credential itself is in api.js.
export const state = {
  /** The presenting key (an admin key), or null for the operator. */
  self: null,
  /** The organization being managed: { id, name, plan, keyLimit, activeKeyCount }. */
  org: null,
  /** The organization's roles, for the key form and the roles page. */
  roles: [],
};

const ORG = 'keygrains.org';
const RECENT = 'keygrains.recentOrgs';

export const remembered = {
  org: () => sessionStorage.getItem(ORG),
  setOrg: (id) => {
    sessionStorage.setItem(ORG, id);
    const recent = remembered.recent().filter((o) => o.id !== id);
    sessionStorage.setItem(RECENT, JSON.stringify([{ id, name: state.org?.name ?? id }, ...recent].slice(0, 8)));
  },
  recent: () => {
    try { return JSON.parse(sessionStorage.getItem(RECENT) ?? '[]'); } catch { return []; }
  },
  clear: () => { sessionStorage.removeItem(ORG); sessionStorage.removeItem(RECENT); },
};
