package io.github.oauthcallback.internal.refresh;

import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.util.function.SingletonSupplier;

/**
 * Creates a provider chain on its first use. Spring Security's refresh-token and client-credentials providers create a
 * default token response client, and with it an HTTP client, when they are constructed; the chain is only needed
 * when a stored login is not valid, which a run with a stored token never reaches.
 */
public final class LazyAuthorizedClientProvider implements OAuth2AuthorizedClientProvider {

	private final SingletonSupplier<OAuth2AuthorizedClientProvider> provider;

	/**
	 * @param creator creates the real provider, once, on first use
	 */
	public LazyAuthorizedClientProvider(Supplier<OAuth2AuthorizedClientProvider> creator) {
		this.provider = SingletonSupplier.of(creator);
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		return this.provider.obtain().authorize(context);
	}

}
