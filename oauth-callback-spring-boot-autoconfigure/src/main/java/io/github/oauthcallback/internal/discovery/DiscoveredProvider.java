package io.github.oauthcallback.internal.discovery;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties.Provider;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientProperties.Registration;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistration.ProviderDetails;
import org.springframework.security.oauth2.core.AuthorizationGrantType;

/**
 * What discovery (as Spring Security's {@code ClientRegistrations.fromIssuerLocation} does it) put into a registration for one
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
 * @param userNameAttributeName the attribute naming the user, if any
 * @param clientAuthenticationMethod the client authentication Spring picked from the supported methods
 * @param clientName the display name Spring gave the registration ({@code null} in a file without it)
 * @param redirectUri the redirect URI template Spring gave the registration, if any
 * @param scopes the scopes Spring gave the registration
 * @param metadata the whole metadata document, as the registration's provider configuration metadata
 */
public record DiscoveredProvider(int version, String issuer, Instant discoveredAt, @Nullable String authorizationUri,
		@Nullable String tokenUri, @Nullable String jwkSetUri, @Nullable String userInfoUri,
		String userInfoAuthenticationMethod, @Nullable String userNameAttributeName, String clientAuthenticationMethod,
		@Nullable String clientName, @Nullable String redirectUri, Set<String> scopes, Map<String, Object> metadata) {

	static final int VERSION = 1;

	public DiscoveredProvider {
		scopes = (scopes != null) ? Collections.unmodifiableSet(new LinkedHashSet<>(scopes)) : Set.of();
		metadata = (metadata != null) ? metadata : Map.of();
	}

	/**
	 * @param discovered a registration built by Spring Security's discovery
	 * @param issuer the issuer it was discovered from (Spring's discovery makes it the registration's issuer)
	 * @param at when it was discovered
	 * @return its provider part
	 */
	static DiscoveredProvider of(ClientRegistration discovered, String issuer, Instant at) {
		ProviderDetails provider = discovered.getProviderDetails();
		ProviderDetails.UserInfoEndpoint userInfo = provider.getUserInfoEndpoint();
		return new DiscoveredProvider(VERSION, issuer, at, provider.getAuthorizationUri(),
				tokenUri(provider), provider.getJwkSetUri(), userInfo.getUri(),
				userInfo.getAuthenticationMethod().getValue(), userInfo.getUserNameAttributeName(),
				discovered.getClientAuthenticationMethod().getValue(), discovered.getClientName(),
				discovered.getRedirectUri(), discovered.getScopes(), provider.getConfigurationMetadata());
	}

	/** The token endpoint, or {@code null} for metadata without one (Spring's getter refuses to return null). */
	private static @Nullable String tokenUri(ProviderDetails provider) {
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
	 * @return the provider properties this metadata stands for (issuer aside): what Spring Boot would otherwise have
	 * taken from discovery before applying the provider's own properties
	 */
	Provider providerProperties() {
		Provider provider = new Provider();
		provider.setAuthorizationUri(this.authorizationUri);
		provider.setTokenUri(this.tokenUri);
		provider.setJwkSetUri(this.jwkSetUri);
		provider.setUserInfoUri(this.userInfoUri);
		provider.setUserInfoAuthenticationMethod(this.userInfoAuthenticationMethod);
		provider.setUserNameAttribute(this.userNameAttributeName);
		return provider;
	}

	/**
	 * @return the registration properties this metadata stands for: what Spring Security's discovery gives every
	 * registration (the authorization code grant, and the client authentication method, scopes, name and redirect
	 * URI template it derived) before the registration's own properties are applied
	 */
	Registration registrationProperties() {
		Registration registration = new Registration();
		registration.setAuthorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE.getValue());
		registration.setClientAuthenticationMethod(this.clientAuthenticationMethod);
		registration.setScope(this.scopes);
		registration.setClientName(this.clientName);
		registration.setRedirectUri(this.redirectUri);
		return registration;
	}

}
