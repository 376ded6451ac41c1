package io.github.oauthcallback.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistration.ProviderDetails;
import org.springframework.security.oauth2.core.AuthenticationMethod;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;

/**
 * What Spring Security's discovery ({@code ClientRegistrations.fromIssuerLocation}) put into a registration for one
 * issuer, taken from the registration it built, so that a cached copy rebuilds the same registration without the
 * network. Everything here is public provider metadata; no client id or secret is kept.
 *
 * @param version format of the cache file
 * @param issuer the issuer as configured (and as the metadata states it)
 * @param discoveredAt when the metadata was fetched
 * @param authorizationUri the authorization endpoint, {@code null} for a provider without one
 * @param tokenUri the token endpoint, {@code null} for metadata without one
 * @param jwkSetUri the JWK set of the provider's ID token signatures, if any
 * @param userInfoUri the user info endpoint, if any
 * @param userInfoAuthenticationMethod how the user info endpoint takes the token
 * @param userNameAttributeName the attribute naming the user
 * @param clientAuthenticationMethod the client authentication Spring picked from the supported methods
 * @param clientName the display name Spring gave the registration
 * @param redirectUri the redirect URI template Spring gave the registration
 * @param scopes the scopes Spring gave the registration
 * @param metadata the whole metadata document, as the registration's provider configuration metadata
 */
record DiscoveredProvider(int version, String issuer, Instant discoveredAt, String authorizationUri, String tokenUri,
		String jwkSetUri, String userInfoUri, String userInfoAuthenticationMethod, String userNameAttributeName,
		String clientAuthenticationMethod, String clientName, String redirectUri, Set<String> scopes,
		Map<String, Object> metadata) {

	static final int VERSION = 1;

	DiscoveredProvider {
		scopes = (scopes != null) ? Collections.unmodifiableSet(new LinkedHashSet<>(scopes)) : Set.of();
		metadata = (metadata != null) ? metadata : Map.of();
	}

	/**
	 * @param discovered a registration built by Spring Security's discovery
	 * @param at when it was discovered
	 * @return its provider part
	 */
	static DiscoveredProvider of(ClientRegistration discovered, Instant at) {
		ProviderDetails provider = discovered.getProviderDetails();
		ProviderDetails.UserInfoEndpoint userInfo = provider.getUserInfoEndpoint();
		return new DiscoveredProvider(VERSION, provider.getIssuerUri(), at, provider.getAuthorizationUri(),
				tokenUri(provider), provider.getJwkSetUri(), userInfo.getUri(),
				userInfo.getAuthenticationMethod().getValue(), userInfo.getUserNameAttributeName(),
				discovered.getClientAuthenticationMethod().getValue(), discovered.getClientName(),
				discovered.getRedirectUri(), discovered.getScopes(), provider.getConfigurationMetadata());
	}

	/** The token endpoint, or {@code null} for metadata without one (Spring's getter refuses to return null). */
	private static String tokenUri(ProviderDetails provider) {
		try {
			return provider.getTokenUri();
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** A file written by another program or an older or newer format is not used. */
	boolean isComplete() {
		return this.version == VERSION && this.issuer != null && this.discoveredAt != null
				&& this.userInfoAuthenticationMethod != null && this.clientAuthenticationMethod != null;
	}

	/**
	 * @param now the current time
	 * @param timeToLive how long metadata is used before the provider is asked again
	 * @return whether this metadata is recent enough (metadata dated in the future is not)
	 */
	boolean isFresh(Instant now, Duration timeToLive) {
		return !this.discoveredAt.isAfter(now) && now.isBefore(this.discoveredAt.plus(timeToLive));
	}

	/**
	 * @param registrationId the registration to build
	 * @return a builder holding what discovery would have given it (authorization code grant, as Spring's discovery
	 * sets), before the provider's and registration's own properties are applied
	 */
	ClientRegistration.Builder builder(String registrationId) {
		return ClientRegistration.withRegistrationId(registrationId)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.clientAuthenticationMethod(new ClientAuthenticationMethod(this.clientAuthenticationMethod))
			.clientName(this.clientName)
			.redirectUri(this.redirectUri)
			.scope(this.scopes)
			.authorizationUri(this.authorizationUri)
			.tokenUri(this.tokenUri)
			.jwkSetUri(this.jwkSetUri)
			.issuerUri(this.issuer)
			.userInfoUri(this.userInfoUri)
			.userInfoAuthenticationMethod(new AuthenticationMethod(this.userInfoAuthenticationMethod))
			.userNameAttributeName(this.userNameAttributeName)
			.providerConfigurationMetadata(this.metadata);
	}

}
