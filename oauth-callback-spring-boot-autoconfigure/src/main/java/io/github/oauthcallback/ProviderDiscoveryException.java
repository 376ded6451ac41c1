package io.github.oauthcallback;

/**
 * OpenID Connect / OAuth 2.0 discovery of a provider given by {@code issuer-uri} failed at start-up and no earlier
 * discovery of it can stand in. The message names the provider, its issuer and the way out.
 */
public class ProviderDiscoveryException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final String providerId;

	public ProviderDiscoveryException(String providerId, String message, Throwable cause) {
		super(message, cause);
		this.providerId = providerId;
	}

	/**
	 * @return the id of the provider, as in {@code spring.security.oauth2.client.provider.<id>}
	 */
	public String getProviderId() {
		return this.providerId;
	}

}
