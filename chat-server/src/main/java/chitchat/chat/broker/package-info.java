/**
 * The broker: how a message reaches connections on other chat-server instances.
 *
 * <p>Every user has a channel, {@code chat_<username>} ({@link chitchat.chat.broker.UserChannels}). An instance
 * subscribes to it while that user has at least one connection there, and a sender's instance publishes each new message to the receiver's channel and to the
 * sender's own (for their other devices). So any number of instances deliver to each other without knowing of
 * each other. {@link chitchat.chat.broker.LocalBroker} does this in process for a single instance;
 * {@link chitchat.chat.broker.RedisBroker} does it with Redis Pub/Sub on one Redis (its subscription
 * {@link chitchat.chat.broker.RedisSubscription} and its {@link chitchat.chat.broker.RedisPublisher}), and
 * {@link chitchat.chat.broker.ClusterBroker} with sharded Pub/Sub on a Redis Cluster, where each channel lives on
 * the shard that owns its hash slot ({@link chitchat.chat.broker.Topology}, {@link chitchat.chat.broker.ShardLink},
 * {@link chitchat.chat.broker.ClusterPublisher}). Both Redis brokers share the control channel
 * ({@link chitchat.chat.broker.ControlChannel}, cluster-wide resync notices) and one reconnect policy
 * ({@link chitchat.chat.broker.Backoff}). Outside the package only {@link chitchat.chat.broker.Broker}, the three
 * brokers and {@link chitchat.chat.broker.Topology} (shared with presence) are visible.
 */
package chitchat.chat.broker;
