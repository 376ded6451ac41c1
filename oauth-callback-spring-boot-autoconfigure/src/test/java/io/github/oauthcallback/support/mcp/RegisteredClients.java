package io.github.oauthcallback.support.mcp;

import java.time.Duration;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.OAuth2ClientRegistration;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.converter.OAuth2ClientRegistrationRegisteredClientConverter;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;

/**
 * The clients of {@link McpAuthorizationServer}: the pre-registered ones, and the conversion of a registration
 * request (RFC 7591) into a client. Spring's converter does the mapping (id, secret, method, grant types, redirect
 * URIs); this one then gives the client every supported scope when the request named none (Spring's default
 * validator refuses a {@code scope} in a registration and leaves such a client without scopes, so it could ask for
 * none), PKCE, the consent setting and the access token lifetime of the options.
 */
final class RegisteredClients implements Converter<OAuth2ClientRegistration, RegisteredClient> {

	private final OAuth2ClientRegistrationRegisteredClientConverter spring = new OAuth2ClientRegistrationRegisteredClientConverter();

	private final McpAuthorizationServer.Options options;

	RegisteredClients(McpAuthorizationServer.Options options) {
		this.options = options;
	}

	@Override
	public RegisteredClient convert(OAuth2ClientRegistration registration) {
		RegisteredClient client = this.spring.convert(registration);
		RegisteredClient.Builder builder = RegisteredClient.from(client)
			.clientSettings(ClientSettings.builder()
				.requireProofKey(true)
				.requireAuthorizationConsent(this.options.consent())
				.build())
			.tokenSettings(tokenSettings(this.options.accessTokenTimeToLive()));
		if (client.getScopes().isEmpty()) {
			builder.scopes((scopes) -> scopes.addAll(McpAuthorizationServer.SCOPES));
		}
		return builder.build();
	}

	static RegisteredClient preRegistered(String clientId, String encodedSecret, Duration accessTokenTimeToLive,
			ClientAuthenticationMethod... methods) {
		RegisteredClient.Builder builder = RegisteredClient.withId(clientId + "-id")
			.clientId(clientId)
			.authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
			.authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
			.authorizationGrantType(AuthorizationGrantType.DEVICE_CODE)
			.redirectUri(McpAuthorizationServer.REDIRECT_URI)
			.scopes((scopes) -> scopes.addAll(McpAuthorizationServer.SCOPES))
			.clientSettings(ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build())
			.tokenSettings(tokenSettings(accessTokenTimeToLive));
		for (ClientAuthenticationMethod method : methods) {
			builder.clientAuthenticationMethod(method);
		}
		if (!encodedSecret.isEmpty()) {
			builder.clientSecret(encodedSecret);
		}
		return builder.build();
	}

	private static TokenSettings tokenSettings(Duration accessTokenTimeToLive) {
		return TokenSettings.builder().accessTokenTimeToLive(accessTokenTimeToLive).build();
	}

}
