/**
 * Users: who exists, by what name. Shared because the auth-server creates users and the chat-server must know
 * that a message's receiver exists; both read the same {@code users} collection.
 */
package chitchat.users;
