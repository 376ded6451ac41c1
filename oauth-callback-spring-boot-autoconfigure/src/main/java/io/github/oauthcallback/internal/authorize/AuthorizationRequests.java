package io.github.oauthcallback.internal.authorize;

import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.internal.tokenendpoint.ResourceIndicators;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.endpoint.OidcParameterNames;

/**
 * Builds authorization requests the way Spring Security's web resolver does, without a servlet request: PKCE S256
 * always, a fresh 256-bit {@code state}, and for OpenID Connect a fresh nonce kept raw in the request attributes and
 * sent as its base64url SHA-256.
 */
public final class AuthorizationRequests {

	private static final StringKeyGenerator RANDOM = new Base64StringKeyGenerator(
			Base64.getUrlEncoder().withoutPadding(), 32);

	private AuthorizationRequests() {
	}

	public static String newState() {
		return RANDOM.generateKey();
	}

	/**
	 * Parameters configured extra parameters cannot set: those the starter sets itself, and those that would change
	 * how the response comes back ({@code response_mode}) or replace the whole request with a request object
	 * ({@code request}, {@code request_uri}, RFC 9101). Compared case-insensitively.
	 */
	public static final Set<String> RESERVED = Set.of("response_type", "response_mode", "client_id", "redirect_uri", "scope",
			"state", "nonce", "code_challenge", "code_challenge_method", "login_hint", "prompt", "request",
			"request_uri");

	public static OAuth2AuthorizationRequest build(ClientRegistration registration, URI redirectUri, String state,
			AuthorizationOptions options) {
		return build(registration, redirectUri, state, options, java.util.Map.of());
	}

	public static OAuth2AuthorizationRequest build(ClientRegistration registration, URI redirectUri, String state,
			AuthorizationOptions options, java.util.Map<String, String> extraParameters) {
		return build(registration, redirectUri, state, options, extraParameters, null);
	}

	/**
	 * @param registration the registration
	 * @param redirectUri the listener's redirect URI
	 * @param state the state
	 * @param options the login's options
	 * @param extraParameters configured extra parameters ({@link #RESERVED} ones are left out)
	 * @param resource the RFC 8707 resource indicator sent as {@code resource}, or {@code null}; it replaces one
	 * given among the extra parameters
	 * @return the authorization request, with PKCE
	 */
	public static OAuth2AuthorizationRequest build(ClientRegistration registration, URI redirectUri, String state,
			AuthorizationOptions options, java.util.Map<String, String> extraParameters, @Nullable URI resource) {
		Set<String> scopes = new LinkedHashSet<>(registration.getScopes());
		scopes.addAll(options.additionalScopes());
		OAuth2AuthorizationRequest.Builder builder = OAuth2AuthorizationRequest.authorizationCode()
			.authorizationUri(registration.getProviderDetails().getAuthorizationUri())
			.clientId(registration.getClientId())
			.redirectUri(redirectUri.toString())
			.scopes(scopes)
			.state(state)
			.attributes((attributes) -> attributes.put(OAuth2ParameterNames.REGISTRATION_ID,
					registration.getRegistrationId()))
			.additionalParameters((parameters) -> {
				extraParameters.forEach((name, value) -> {
					if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
						parameters.put(name, value);
					}
				});
				if (options.loginHint() != null) {
					parameters.put("login_hint", options.loginHint());
				}
				if (options.prompt() != null) {
					parameters.put("prompt", options.prompt());
				}
				if (resource != null) {
					parameters.put(ResourceIndicators.PARAMETER, resource.toString());
				}
			});
		OAuth2AuthorizationRequestCustomizers.withPkce().accept(builder);
		if (scopes.contains(OidcScopes.OPENID)) {
			String nonce = RANDOM.generateKey();
			builder.attributes((attributes) -> attributes.put(OidcParameterNames.NONCE, nonce));
			builder.additionalParameters((parameters) -> parameters.put(OidcParameterNames.NONCE, hash(nonce)));
		}
		return builder.build();
	}

	public static String hash(String value) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.US_ASCII));
			return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is required by every Java platform", ex);
		}
	}

}
