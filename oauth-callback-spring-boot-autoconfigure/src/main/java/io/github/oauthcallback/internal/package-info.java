/**
 * Helpers shared by the other packages: text from outside the program made safe for messages, logs and terminals,
 * and the loggers of HTTP libraries held at a level where they cannot print secrets. Internal: no compatibility
 * promise.
 */
@NullMarked
package io.github.oauthcallback.internal;

import org.jspecify.annotations.NullMarked;
