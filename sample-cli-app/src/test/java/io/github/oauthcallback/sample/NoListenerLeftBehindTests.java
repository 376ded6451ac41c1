package io.github.oauthcallback.sample;

import io.github.oauthcallback.support.NothingLeftRunningCheck;
import org.junit.jupiter.api.Order;

/**
 * Runs after every other test class of the sample (see {@code junit-platform.properties}): its logins, demo identity
 * providers and stub servers left nothing of the starter running.
 */
@Order(Integer.MAX_VALUE)
class NoListenerLeftBehindTests extends NothingLeftRunningCheck {

}
