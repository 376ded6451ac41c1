package io.github.oauthcallback.internal.refresh;

import io.github.oauthcallback.OidcAuthorizedClient;
import org.jspecify.annotations.Nullable;

import org.springframework.security.oauth2.client.OAuth2AuthorizationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;

/**
 * Decorates a provider chain so that an OpenID Connect login keeps its ID token across a refresh: Spring Security's
 * refresh-token provider returns a plain {@link OAuth2AuthorizedClient}, and the ID token of the login in the context
 * is carried over to it (for the same account), before it is saved.
 */
public final class IdTokenKeepingProvider implements OAuth2AuthorizedClientProvider {

	private final OAuth2AuthorizedClientProvider delegate;

	public IdTokenKeepingProvider(OAuth2AuthorizedClientProvider delegate) {
		this.delegate = delegate;
	}

	@Override
	public @Nullable OAuth2AuthorizedClient authorize(OAuth2AuthorizationContext context) {
		OAuth2AuthorizedClient authorized = this.delegate.authorize(context);
		return (authorized != null) ? withIdToken(authorized, context.getAuthorizedClient()) : null;
	}

	/**
	 * @param client a login
	 * @param previous the login it replaces, if any
	 * @return {@code client}, with the ID token of {@code previous} if that is an OpenID Connect login of the same
	 * account and {@code client} is not one
	 */
	public static OAuth2AuthorizedClient withIdToken(OAuth2AuthorizedClient client,
			@Nullable OAuth2AuthorizedClient previous) {
		if (client instanceof OidcAuthorizedClient || !(previous instanceof OidcAuthorizedClient oidc)
				|| !previous.getPrincipalName().equals(client.getPrincipalName())) {
			return client;
		}
		return new OidcAuthorizedClient(client.getClientRegistration(), client.getPrincipalName(),
				client.getAccessToken(), client.getRefreshToken(), oidc.getIdToken());
	}

}
