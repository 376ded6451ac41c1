/**
 * Spring Boot auto-configuration of the starter: the {@code oauth-callback.*} properties, the loopback login,
 * provider discovery with its cache, the token store, the client manager with scheduled refresh and the {@code
 * RestClient} integration, the Spring Shell commands, and the start-up checks and failure analysis that report a
 * configuration that cannot work.
 */
@NullMarked
package io.github.oauthcallback.autoconfigure;

import org.jspecify.annotations.NullMarked;
