package io.github.oauthcallback.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager.LoggedOut;
import io.github.oauthcallback.support.TestAuthorizationServer;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.web.client.RestClient;

/**
 * The application of {@link NoSecretInLogsAtTraceTests}, run in a JVM of its own: a Spring Boot application (Boot's
 * logging system with Logback, JUL bridged) with every logger at TRACE that logs in twice (client secret in the form
 * body, and in the Authorization header), calls a resource with the access token, refreshes both logins, logs in
 * with the device authorization grant and refreshes that login, gets a client-credentials token, logs in again
 * (revoking the refresh token it replaces) and logs out (revoking the tokens at the provider). It opens no browser:
 * the test plays the user from its own JVM with the
 * authorization URL the application prints, as a user would. Nothing secret is printed by this class itself; the
 * tokens it received are written to {@code secrets.txt} in the given directory for the test to look for.
 * <p>
 * Arguments: the issuer of a running {@link TestAuthorizationServer}, a directory, a store encryption key, and the
 * HTTP client ({@code spring.http.clients.imperative.factory}) for token and resource requests.
 */
public final class TraceLoggingApplication {

	/** Logged at JUL's FINEST, to prove that JUL reaches the output at TRACE. */
	static final String JUL_MARKER = "JUL record at FINEST for the bridge check";

	static final String JUL_LOGGER = "io.github.oauthcallback.e2e.jul";

	static final String ACCOUNT = "ada-cli";

	private TraceLoggingApplication() {
	}

	public static void main(String[] args) throws Exception {
		String issuer = args[0];
		Path dir = Path.of(args[1]);
		SpringApplication application = new SpringApplication(Config.class);
		application.setDefaultProperties(properties(issuer, dir, args[2], args[3]));
		application.addInitializers((context) -> context.getBeanFactory().registerSingleton("noBrowser",
				(BrowserLauncher) (uri) -> {
				}));
		List<String> secrets = new ArrayList<>();
		try (ConfigurableApplicationContext context = application.run()) {
			Logger.getLogger(JUL_LOGGER).finest(JUL_MARKER);
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);

			OAuth2AuthorizedClient post = manager.authorize(request("post"));
			remember(secrets, post);
			RestClient userInfo = context.getBean(RestClient.Builder.class)
				.baseUrl(issuer)
				.apply(context.getBean(OAuthCallbackRestClients.class).client("post"))
				.build();
			check(userInfo.get().uri("/userinfo").retrieve().body(String.class).contains("\"sub\""), "user info");
			OAuth2AuthorizedClient postRefreshed = manager.refresh("post", ACCOUNT, Duration.ofDays(1));
			check(!postRefreshed.getAccessToken().getTokenValue().equals(post.getAccessToken().getTokenValue()),
					"refreshed with client_secret_post");
			remember(secrets, postRefreshed);

			OAuth2AuthorizedClient basic = manager.authorize(request("basic"));
			remember(secrets, basic);
			OAuth2AuthorizedClient basicRefreshed = manager.refresh("basic", ACCOUNT, Duration.ofDays(1));
			check(!basicRefreshed.getRefreshToken().getTokenValue().equals(basic.getRefreshToken().getTokenValue()),
					"refreshed with client_secret_basic and a new refresh token");
			remember(secrets, basicRefreshed);

			OAuth2AuthorizedClient service = manager.authorize(request("service"));
			check(service.getRefreshToken() == null, "client credentials");
			remember(secrets, service);

			// A device login (RFC 8628) of a public client: the test approves the user code it prints.
			OAuth2AuthorizedClient device = manager.authorize(request("device"));
			remember(secrets, device);
			OAuth2AuthorizedClient deviceRefreshed = manager.refresh("device", ACCOUNT, Duration.ofDays(1));
			check(!deviceRefreshed.getAccessToken().getTokenValue().equals(device.getAccessToken().getTokenValue()),
					"refreshed a device login");
			remember(secrets, deviceRefreshed);

			// A new login replaces the refreshed one, whose refresh token it revokes.
			OAuth2AuthorizedClient postAgain = manager.login("post", AuthorizationOptions.defaults());
			remember(secrets, postAgain);

			// Each logout revokes the refresh token, then the access token (client_secret_post, then _basic).
			check(manager.logout("post", ACCOUNT)
				.filter((loggedOut) -> loggedOut.revocation() == LoggedOut.Revocation.REVOKED)
				.isPresent(), "logout of post, revoked");
			check(manager.logout("basic", ACCOUNT)
				.filter((loggedOut) -> loggedOut.revocation() == LoggedOut.Revocation.REVOKED)
				.isPresent(), "logout of basic, revoked");
		}
		Files.write(dir.resolve("secrets.txt"), secrets);
		System.exit(0);
	}

	private static Map<String, Object> properties(String issuer, Path dir, String encryptionKey, String factory) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("logging.level.root", "TRACE");
		properties.put("spring.http.clients.imperative.factory", factory);
		properties.put("spring.main.web-application-type", "none");
		properties.put("spring.security.oauth2.client.provider.test.issuer-uri", issuer);
		registration(properties, "post", "confidential-cli", TestAuthorizationServer.CONFIDENTIAL_SECRET,
				"client_secret_post", "openid,read");
		registration(properties, "basic", "refreshing-cli", TestAuthorizationServer.REFRESHING_SECRET,
				"client_secret_basic", "openid,profile");
		registration(properties, "service", "service-cli", TestAuthorizationServer.SERVICE_SECRET,
				"client_secret_post", "read");
		properties.put("spring.security.oauth2.client.registration.service.authorization-grant-type",
				"client_credentials");
		properties.remove("spring.security.oauth2.client.registration.service.redirect-uri");
		String device = "spring.security.oauth2.client.registration.device.";
		properties.put(device + "client-id", TestAuthorizationServer.DEVICE_CLIENT);
		properties.put(device + "client-authentication-method", "none");
		properties.put(device + "authorization-grant-type", "urn:ietf:params:oauth:grant-type:device_code");
		properties.put(device + "scope", "profile,read");
		properties.put(device + "provider", "test");
		properties.put("oauth-callback.login.account", ACCOUNT);
		properties.put("oauth-callback.login.interactive", "always");
		properties.put("oauth-callback.login.timeout", "60s");
		properties.put("oauth-callback.store.file.path", dir.resolve("tokens.json").toString());
		properties.put("oauth-callback.store.encryption.key", encryptionKey);
		return properties;
	}

	private static void registration(Map<String, Object> properties, String id, String clientId, String secret,
			String method, String scopes) {
		String prefix = "spring.security.oauth2.client.registration." + id + ".";
		properties.put(prefix + "client-id", clientId);
		properties.put(prefix + "client-secret", secret);
		properties.put(prefix + "client-authentication-method", method);
		properties.put(prefix + "scope", scopes);
		properties.put(prefix + "redirect-uri", "http://127.0.0.1/callback");
		properties.put(prefix + "provider", "test");
	}

	private static OAuth2AuthorizeRequest request(String registrationId) {
		return OAuth2AuthorizeRequest.withClientRegistrationId(registrationId).principal(ACCOUNT).build();
	}

	private static void remember(List<String> secrets, OAuth2AuthorizedClient client) {
		secrets.add(client.getAccessToken().getTokenValue());
		if (client.getRefreshToken() != null) {
			secrets.add(client.getRefreshToken().getTokenValue());
		}
		if (client instanceof OidcAuthorizedClient oidc) {
			secrets.add(oidc.getIdToken().getTokenValue());
		}
	}

	private static void check(boolean condition, String what) {
		if (!condition) {
			throw new IllegalStateException("Failed: " + what);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Config {

	}

}
