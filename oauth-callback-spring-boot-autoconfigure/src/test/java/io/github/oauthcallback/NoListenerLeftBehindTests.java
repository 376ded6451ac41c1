package io.github.oauthcallback;

import io.github.oauthcallback.support.NothingLeftRunningCheck;
import org.junit.jupiter.api.Order;

/**
 * Runs after every other test class of this module (see {@code junit-platform.properties}) and checks that the
 * suite's hundreds of logins, timeouts, cancellations and refreshes left nothing of ours running.
 */
@Order(Integer.MAX_VALUE)
class NoListenerLeftBehindTests extends NothingLeftRunningCheck {

}
