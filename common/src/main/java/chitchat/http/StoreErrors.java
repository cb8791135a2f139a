package chitchat.http;

import com.mongodb.MongoConnectionPoolClearedException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoOperationTimeoutException;
import com.mongodb.MongoServerUnavailableException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Which failures of the MongoDB driver mean "the store is unreachable or overloaded right now", as opposed to a bug
 * or a refused write: no server selected in time, no pooled connection free in time, a socket that failed or timed
 * out, a pool cleared after a network error. Those are answered 503 {@code store_unavailable} with
 * {@code Retry-After}, because retrying later is exactly what a client should do, and a 500 would page someone for
 * what is load. The cause chain is searched because a library may wrap the driver's exception.
 */
final class StoreErrors {

    /** Seconds a client should wait before retrying: about the driver's own selection and pool wait timeouts. */
    static final String RETRY_AFTER_SECONDS = "5";

    private StoreErrors() {
    }

    static boolean unavailable(Throwable error) {
        return causes(error).anyMatch(t -> t instanceof MongoTimeoutException || t instanceof MongoSocketException
                || t instanceof MongoOperationTimeoutException || t instanceof MongoServerUnavailableException
                || t instanceof MongoInterruptedException);
    }

    /** The exception's class only: driver messages name hosts, which a log line may carry but need not. */
    static String describe(Throwable error) {
        return causes(error).filter(t -> t.getClass().getName().startsWith("com.mongodb.")).findFirst().orElse(error)
                .getClass().getSimpleName();
    }

    /** {@code error} and its causes, outermost first. */
    private static Stream<Throwable> causes(Throwable error) {
        return Stream.iterate(error, t -> t != null, t -> t.getCause() == t ? null : t.getCause());
    }

    static ApiException answer() {
        return new ApiException(503, "store_unavailable", "The service is overloaded or its database is unreachable. Please try again in a moment.",
                Map.of("Retry-After", RETRY_AFTER_SECONDS));
    }
}
