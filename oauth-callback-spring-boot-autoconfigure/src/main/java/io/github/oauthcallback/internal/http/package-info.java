/**
 * Internal: no compatibility promise; may change in any release. How every call to a provider (token endpoint,
 * device authorization, revocation, discovery, MCP metadata, dynamic client registration) gets its
 * {@code RestClient}: from the application's {@code RestClient.Builder} and HTTP client settings.
 */
@NullMarked
package io.github.oauthcallback.internal.http;

import org.jspecify.annotations.NullMarked;
