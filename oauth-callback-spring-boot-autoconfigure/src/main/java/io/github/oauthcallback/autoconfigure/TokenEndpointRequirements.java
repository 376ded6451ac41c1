package io.github.oauthcallback.autoconfigure;

import java.util.List;

import io.github.oauthcallback.internal.Registrations;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.util.StringUtils;

/**
 * Refuses, at start-up, a registration whose token requests the starter's client manager could never get answered,
 * so the mistake shows before anyone signs in rather than after:
 * <ul>
 * <li>a grant type the manager cannot run (it runs {@code authorization_code}, through the loopback login, the
 * device authorization grant {@code urn:ietf:params:oauth:grant-type:device_code}, through the device login, and
 * {@code client_credentials});</li>
 * <li>a client authentication method the starter's token clients cannot send (they send {@code none},
 * {@code client_secret_basic} and {@code client_secret_post}; not {@code private_key_jwt}, {@code client_secret_jwt}
 * or {@code tls_client_auth}, nor a misspelt value, which Spring Boot takes as it is);</li>
 * <li>a public client ({@code none}) with {@code client_credentials}, which authenticates the client itself with its
 * secret ({@code authorization_code} works without one thanks to PKCE, which the loopback login always sends, and the
 * device grant sends the {@code client_id} of a public client, RFC 8628 section 3.4);</li>
 * <li>a {@code client_credentials} registration without a client secret, which the client authenticates with.</li>
 * </ul>
 * A redirect URI that is not a loopback one, and an {@code authorization_code} registration without a secret whose
 * method is not {@code none}, are refused by the loopback authorizer; a device-grant registration without a device
 * authorization endpoint, or without a secret whose method is not {@code none}, by the device authorizer.
 */
final class TokenEndpointRequirements {

	static final List<AuthorizationGrantType> SUPPORTED_GRANT_TYPES = List.of(
			AuthorizationGrantType.AUTHORIZATION_CODE, AuthorizationGrantType.DEVICE_CODE,
			AuthorizationGrantType.CLIENT_CREDENTIALS);

	static final List<ClientAuthenticationMethod> SUPPORTED_METHODS = List.of(ClientAuthenticationMethod.NONE,
			ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST);

	private static final String PREFIX = "spring.security.oauth2.client.registration.";

	private TokenEndpointRequirements() {
	}

	/**
	 * @param registrations the client registrations
	 * @throws InvalidConfigurationPropertyValueException for the first registration the manager cannot use, naming
	 * the property to fix and the values it accepts
	 */
	static void check(ClientRegistrationRepository registrations) {
		for (ClientRegistration registration : Registrations.all(registrations)) {
			check(registration);
		}
	}

	static void check(ClientRegistration registration) {
		String id = registration.getRegistrationId();
		AuthorizationGrantType grantType = registration.getAuthorizationGrantType();
		if (!SUPPORTED_GRANT_TYPES.contains(grantType)) {
			throw refused(id, "authorization-grant-type", grantType.getValue(), "Registration '" + id
					+ "' has authorization-grant-type '" + grantType.getValue() + "', which this starter cannot run. "
					+ "Set it to " + values(SUPPORTED_GRANT_TYPES.stream()
						.map(AuthorizationGrantType::getValue)
						.toList())
					+ " (authorization_code: a login in the browser; " + AuthorizationGrantType.DEVICE_CODE.getValue()
					+ ": a login approved on any device; client_credentials: a service account), or "
					+ "define an OAuth2AuthorizedClientManager bean of your own with a provider for that grant.");
		}
		ClientAuthenticationMethod method = registration.getClientAuthenticationMethod();
		if (!SUPPORTED_METHODS.contains(method)) {
			throw refused(id, "client-authentication-method", method.getValue(), "Registration '" + id
					+ "' has client-authentication-method '" + method.getValue() + "', which the starter's token "
					+ "clients cannot send, so the token endpoint would refuse every request. Set it to "
					+ values(SUPPORTED_METHODS.stream().map(ClientAuthenticationMethod::getValue).toList())
					+ " (none for a public client, which a command-line app usually is). If you defined token response "
					+ "client beans that can send it, also define your own OAuth2AuthorizedClientManager bean: "
					+ "the starter only checks registrations for its own manager.");
		}
		if (AuthorizationGrantType.CLIENT_CREDENTIALS.equals(grantType)) {
			if (ClientAuthenticationMethod.NONE.equals(method)) {
				throw refused(id, "client-authentication-method", method.getValue(), "Registration '" + id
						+ "' is a public client (client-authentication-method none) with authorization-grant-type "
						+ "client_credentials, which authenticates the client itself with its secret: the token "
						+ "endpoint would refuse it. Give it a client-secret and set the method to client_secret_basic "
						+ "or client_secret_post, or use authorization_code (a login in the browser, with PKCE) for a "
						+ "public client.");
			}
			if (!StringUtils.hasText(registration.getClientSecret())) {
				throw refused(id, "client-secret", null, "Registration '" + id + "' uses authorization-grant-type "
						+ "client_credentials but has no client-secret, which that grant authenticates the client "
						+ "with. Set it (usually from an environment variable that is not set now).");
			}
		}
	}

	/**
	 * @param id the registration id
	 * @param property the registration's property to fix
	 * @param value the value as the failure shows it ({@code null} for a missing one; never a secret)
	 * @param reason what is wrong and what is valid
	 * @return the failure, naming {@code spring.security.oauth2.client.registration.<id>.<property>}
	 */
	private static InvalidConfigurationPropertyValueException refused(String id, String property,
			@Nullable String value, String reason) {
		return new InvalidConfigurationPropertyValueException(PREFIX + id + "." + property, value, reason);
	}

	private static String values(List<String> values) {
		return "one of " + String.join(", ", values);
	}

}
