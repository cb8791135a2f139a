// receipts.js: the ticks on my own messages, worked out from the members' marks. Pure: no DOM, no clock.
//
// Every member of a conversation has two marks, `deliveredSeq` (one of their devices has received up to it) and
// `readSeq` (they have read up to it); both only grow (store.js keeps them on `conversation.members`, from
// `GET /api/conversations/{id}` and from `receipt` frames). A message of mine with seq n is then
//  - `read`      when every other current member's readSeq is at least n,
//  - `delivered` when every other current member's deliveredSeq (or readSeq: reading implies receiving) is,
//  - `sent`      otherwise (stored, acked).
// In a direct conversation "every other member" is one person. In a group it is whoever is a member now: someone
// who left no longer holds a message back, and someone just added has to catch up like everyone else, as
// messengers count it. A conversation with nobody else left in it stays `sent`: there is no one to read it.
// `pending` and `failed` (the outbox's words) are never changed here: they are about the server, not the readers.

// The members array is never changed in place (store.js replaces it), so what is worked out from it can be
// kept per array: a render asks for every message on screen, and a big group has hundreds of members.
const othersCache = new WeakMap(); // members array -> { me, others }

/** The other members with their marks as numbers (a member entry from a Summary may have none yet). */
export function othersOf(conversation, me) {
  const cached = othersCache.get(conversation.members);
  if (cached && cached.me === me) return cached.others;
  const others = conversation.members
    .filter((member) => member.username !== me)
    .map((member) => {
      const readSeq = Number(member.readSeq) || 0;
      return { username: member.username, readSeq, deliveredSeq: Math.max(readSeq, Number(member.deliveredSeq) || 0) };
    });
  othersCache.set(conversation.members, { me, others });
  return others;
}

/** The status a message shows: the outbox's for unsent ones, else from the other members' marks. */
export function statusOf(message, conversation, me) {
  if (message.sender !== me || message.status !== 'sent' || !Number.isInteger(message.seq)) return message.status;
  const others = othersOf(conversation, me);
  if (others.length === 0) return 'sent';
  if (others.every((member) => member.readSeq >= message.seq)) return 'read';
  if (others.every((member) => member.deliveredSeq >= message.seq)) return 'delivered';
  return 'sent';
}

/**
 * Who has what of one message, for a group's "read by" list: `read` (read it), `delivered` (received, not read
 * yet) and `waiting` (not even received), each a sorted list of usernames.
 */
export function readersOf(message, conversation, me) {
  const result = { read: [], delivered: [], waiting: [] };
  for (const member of othersOf(conversation, me)) {
    if (member.readSeq >= message.seq) result.read.push(member.username);
    else if (member.deliveredSeq >= message.seq) result.delivered.push(member.username);
    else result.waiting.push(member.username);
  }
  for (const names of Object.values(result)) names.sort();
  return result;
}

/** The words for a status: the ticks' accessible labels, and what is read out when they change. */
const STATUS_WORDS = new Map([
  ['pending', 'Sending'], ['sent', 'Sent'], ['delivered', 'Delivered'], ['read', 'Read'], ['failed', 'Not sent'],
]);

export function statusWords(status) {
  return STATUS_WORDS.get(status) || status;
}
