package io.github.oauthcallback.internal.tokenendpoint;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.endpoint.AbstractOAuth2AuthorizationGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

/**
 * Creates a token response client on its first token request. Spring Security's {@code RestClient...}
 * token response clients build a default {@code RestClient}, and with it an HTTP client, in their constructor, even
 * when another {@code RestClient} replaces it right after; with the JDK's client that costs class loading and TLS
 * set-up at start-up and a selector thread that delays the JVM's exit by about 300 ms. A command that uses a stored
 * token never makes a token request and so never pays for it.
 *
 * @param <T> the grant request type
 */
public final class LazyTokenResponseClient<T extends AbstractOAuth2AuthorizationGrantRequest>
		implements OAuth2AccessTokenResponseClient<T> {

	private final Supplier<OAuth2AccessTokenResponseClient<T>> creator;

	private volatile @Nullable OAuth2AccessTokenResponseClient<T> client;

	/**
	 * @param creator creates the real client, once, on the first token request
	 */
	public LazyTokenResponseClient(Supplier<OAuth2AccessTokenResponseClient<T>> creator) {
		this.creator = creator;
	}

	@Override
	public OAuth2AccessTokenResponse getTokenResponse(T grantRequest) {
		return client().getTokenResponse(grantRequest);
	}

	/**
	 * @return whether the real client has been created
	 */
	public boolean created() {
		return this.client != null;
	}

	private OAuth2AccessTokenResponseClient<T> client() {
		OAuth2AccessTokenResponseClient<T> current = this.client;
		if (current == null) {
			synchronized (this) {
				current = this.client;
				if (current == null) {
					current = this.creator.get();
					this.client = current;
				}
			}
		}
		return current;
	}

}
