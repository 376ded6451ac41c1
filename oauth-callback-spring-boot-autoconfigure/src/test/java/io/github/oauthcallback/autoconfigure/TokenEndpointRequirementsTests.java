package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.support.StubRegistration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registrations whose token requests could never be answered are refused at start-up, with the property to fix and
 * the values it accepts, through the failure analyzer's short report.
 */
class TokenEndpointRequirementsTests {

	private static final String API = "spring.security.oauth2.client.registration.api.";

	private static final String SERVICE = "spring.security.oauth2.client.registration.service.";

	private final ApplicationContextRunner runner = StubRegistration
		.runner("https://idp.example/authorize", "https://idp.example/token")
		.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never");

	private static String refusal(AssertableApplicationContext context, String property) {
		assertThat(context).hasFailed();
		Throwable failure = context.getStartupFailure();
		FailureAnalysis analysis = new OAuthCallbackFailureAnalyzer().analyze(failure);
		assertThat(analysis).as("reported as a short start-up failure").isNotNull();
		assertThat(failure).rootCause()
			.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
					(ex) -> assertThat(ex.getName()).isEqualTo(property));
		return analysis.getDescription();
	}

	@Test
	void supportedRegistrationsStart() {
		this.runner
			.withPropertyValues(API + "client-authentication-method=none", SERVICE + "client-id=svc",
					SERVICE + "client-secret=svc-secret", SERVICE + "authorization-grant-type=client_credentials",
					SERVICE + "client-authentication-method=client_secret_post", SERVICE + "provider=stub",
					"spring.security.oauth2.client.registration.web.client-id=web",
					"spring.security.oauth2.client.registration.web.client-secret=web-secret",
					"spring.security.oauth2.client.registration.web.client-authentication-method=client_secret_basic",
					"spring.security.oauth2.client.registration.web.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.web.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.web.provider=stub")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OAuthCallbackAuthorizedClientManager.class));
	}

	/** The device authorization grant (RFC 8628): public (client_id only) and confidential clients. */
	@Test
	void deviceGrantRegistrationsStartPublicOrConfidential() {
		String device = "spring.security.oauth2.client.registration.device.";
		String confidential = "spring.security.oauth2.client.registration.tv.";
		this.runner
			.withPropertyValues(API + "client-authentication-method=none", device + "client-id=dev",
					device + "authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					device + "client-authentication-method=none", device + "provider=stub",
					confidential + "client-id=tv", confidential + "client-secret=tv-secret",
					confidential + "authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					confidential + "client-authentication-method=client_secret_post", confidential + "provider=stub",
					"oauth-callback.registrations.device.device-authorization-uri=https://idp.example/device",
					"oauth-callback.registrations.tv.device-authorization-uri=https://idp.example/device")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(OAuthCallbackAuthorizedClientManager.class));
	}

	@Test
	void aDeviceGrantRegistrationWithoutADeviceAuthorizationEndpointFailsAtStartUp() {
		String device = "spring.security.oauth2.client.registration.device.";
		this.runner
			.withPropertyValues(API + "client-authentication-method=none", device + "client-id=dev",
					device + "authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					device + "client-authentication-method=none", device + "provider=stub")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessageContaining("oauth-callback.registrations.device.device-authorization-uri");
				assertThat(new OAuthCallbackFailureAnalyzer().analyze(context.getStartupFailure())).isNotNull();
			});
	}

	@Test
	void unsupportedOrMisspeltClientAuthenticationMethodFailsAtStartUp() {
		for (String method : new String[] { "private_key_jwt", "client_secret_jwt", "tls_client_auth",
				"client_secret_basci" }) {
			this.runner.withPropertyValues(API + "client-secret=cli-secret", API + "client-authentication-method=" + method)
				.run((context) -> assertThat(refusal(context, API + "client-authentication-method"))
					.contains("Registration 'api' has client-authentication-method '" + method + "'",
							"spring.security.oauth2.client.registration.api.client-authentication-method",
							"one of none, client_secret_basic, client_secret_post")
					.doesNotContain("cli-secret"));
		}
	}

	@Test
	void publicClientForClientCredentialsFailsAtStartUp() {
		this.runner
			.withPropertyValues(SERVICE + "client-id=svc", SERVICE + "authorization-grant-type=client_credentials",
					SERVICE + "client-authentication-method=none", SERVICE + "provider=stub")
			.run((context) -> assertThat(refusal(context, SERVICE + "client-authentication-method"))
				.contains("Registration 'service' is a public client",
					"client_credentials", "client-secret",
					"spring.security.oauth2.client.registration.service.client-authentication-method"));
	}

	@Test
	void clientCredentialsWithoutASecretFailsAtStartUp() {
		this.runner
			.withPropertyValues(SERVICE + "client-id=svc", SERVICE + "authorization-grant-type=client_credentials",
					SERVICE + "client-authentication-method=client_secret_basic", SERVICE + "provider=stub")
			.run((context) -> assertThat(refusal(context, SERVICE + "client-secret")).contains("Registration 'service'",
					"has no client-secret", "spring.security.oauth2.client.registration.service.client-secret"));
	}

	@Test
	void grantTypesTheStarterCannotRunFailAtStartUp() {
		for (String grantType : new String[] { "urn:ietf:params:oauth:grant-type:jwt-bearer",
				"urn:ietf:params:oauth:grant-type:token-exchange", "refresh_token", "password", "implicit" }) {
			this.runner
				.withPropertyValues(SERVICE + "client-id=svc", SERVICE + "client-secret=svc-secret",
						SERVICE + "authorization-grant-type=" + grantType, SERVICE + "provider=stub")
				.run((context) -> assertThat(refusal(context, SERVICE + "authorization-grant-type"))
					.contains("Registration 'service' has authorization-grant-type '" + grantType + "'",
							"spring.security.oauth2.client.registration.service.authorization-grant-type",
							"one of authorization_code, urn:ietf:params:oauth:grant-type:device_code, "
									+ "client_credentials",
							"OAuth2AuthorizedClientManager"));
		}
	}

	@Test
	void anApplicationsOwnManagerIsNotChecked() {
		// It may have providers for grants the starter cannot run.
		this.runner
			.withPropertyValues(SERVICE + "client-id=svc", SERVICE + "client-secret=svc-secret",
					SERVICE + "authorization-grant-type=urn:ietf:params:oauth:grant-type:jwt-bearer",
					SERVICE + "provider=stub")
			.withBean(OAuth2AuthorizedClientManager.class, () -> new OAuth2AuthorizedClientManager() {

				@Override
				public OAuth2AuthorizedClient authorize(OAuth2AuthorizeRequest request) {
					return null;
				}

			})
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackAuthorizedClientManager.class));
	}

}
