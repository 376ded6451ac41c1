/**
 * Internal: no compatibility promise; may change in any release. How every call to a provider (token endpoint,
 * device authorization, revocation, discovery, MCP metadata, dynamic client registration) gets its
 * {@code RestClient}: a new builder with the application's HTTP client settings and observations, never the
 * application's {@code RestClient.Builder} or customizers.
 */
@NullMarked
package io.github.oauthcallback.internal.http;

import org.jspecify.annotations.NullMarked;
