// groups.js: making and changing groups (contract v2's /api/conversations calls with a body).
//
// Each call answers with the Conversation as it now is, which is folded into the store at once, so the member
// list changes as soon as the click is answered. The change itself also arrives as a system message ("alice
// added bob") over the WebSocket, for us and for every member; that message changes the members too
// (store.js, applySystem), which is how the other members' screens follow. Whichever comes first, the other
// changes nothing more.
//
// Errors are the server's own words (not_admin, already a member, group full...), shown as a notice.

import { emptyConversation, mapWithout, withConversation, withDetails } from './store.js';

export function createGroups({ store, api, handleFailure, showNotice, open }) {
  function apply(details) {
    if (!details || typeof details.id !== 'string') return;
    store.set((state) => withConversation(state, details.id, (c) => withDetails(c, details, state.me)));
  }

  /** Runs one call; on failure says why. Resolves to the answer, or null when it failed. */
  async function attempt(call) {
    try {
      return await call();
    } catch (error) {
      if (!handleFailure(error)) showNotice(error.message);
      return null;
    }
  }

  /** A new group with me as its admin; it opens at once. */
  async function create(name, members) {
    const details = await attempt(() => api.createGroup(name, members));
    if (!details) return false;
    store.set((state) => withConversation(state, details.id,
      (c) => withDetails(c.known ? c : { ...emptyConversation(details.id), kind: 'group' }, details, state.me)));
    open(details.id);
    return true;
  }

  async function addMember(id, username) {
    apply(await attempt(() => api.addMember(id, username)));
  }

  async function removeMember(id, username) {
    apply(await attempt(() => api.removeMember(id, username)));
  }

  async function setRole(id, username, role) {
    apply(await attempt(() => api.setRole(id, username, role)));
  }

  /** Leaving: the server answers `{}`, and for us the group no longer exists. */
  async function leave(id) {
    const answer = await attempt(() => api.removeMember(id, store.get().me));
    if (answer === null) return;
    store.set((state) => ({
      conversations: mapWithout(state.conversations, id),
      selected: state.selected === id ? null : state.selected,
      panel: null,
    }));
  }

  return { create, addMember, removeMember, setRole, leave };
}
