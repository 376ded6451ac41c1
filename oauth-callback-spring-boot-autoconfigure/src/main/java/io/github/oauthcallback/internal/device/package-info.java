/**
 * The device authorization grant (RFC 8628): the {@link io.github.oauthcallback.authorize.DeviceAuthorizer}, its
 * prompt and its polling. The HTTP of the device authorization and token requests lives in
 * {@code io.github.oauthcallback.internal.tokenendpoint}. Internal: no compatibility promise; may change in any
 * release.
 */
@NullMarked
package io.github.oauthcallback.internal.device;

import org.jspecify.annotations.NullMarked;
