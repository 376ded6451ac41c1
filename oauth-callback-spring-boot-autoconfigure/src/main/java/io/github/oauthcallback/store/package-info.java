/**
 * Token stores behind Spring Security's {@code OAuth2AuthorizedClientService}: in memory, an encrypted file and a
 * JDBC table (H2, PostgreSQL, MariaDB), which can also list and remove logins, keep logins authentic with an
 * encryption key (sealed logins, issuer and client recorded) and survive concurrent writers.
 */
@NullMarked
package io.github.oauthcallback.store;

import org.jspecify.annotations.NullMarked;
