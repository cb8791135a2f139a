/**
 * Configuration: the environment, read once at startup into typed values.
 *
 * <p>Every process of Chit-Chat is configured only by environment variables (the contract's table), so that the
 * same jar runs on a laptop, in docker-compose and on ECS. {@link chitchat.config.Env} reads and checks single
 * variables; {@link chitchat.config.Config} is the set both services share. A bad value stops the process at
 * startup with a message that names the variable and what to set, instead of failing later on first use.
 */
package chitchat.config;
