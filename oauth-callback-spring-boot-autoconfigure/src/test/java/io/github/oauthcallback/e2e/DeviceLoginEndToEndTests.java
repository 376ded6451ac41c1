package io.github.oauthcallback.e2e;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.oauthcallback.AuthorizationErrorException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackRestClientAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.TestAuthorizationServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Device logins (RFC 8628) against the in-process Spring Authorization Server with its device authorization and
 * verification endpoints turned on: a user on "another device" ({@link DeviceApprover}) opens the verification URI
 * the starter hands to the browser launcher, signs in and approves (or denies). The device authorization endpoint
 * comes from discovery. The server announces a one-second interval, so each login takes a second or two of real
 * polling.
 */
class DeviceLoginEndToEndTests {

	private static final String REGISTRATION = "spring.security.oauth2.client.registration.";

	private static TestAuthorizationServer server;

	@TempDir
	Path dir;

	@BeforeAll
	static void startServer() {
		server = TestAuthorizationServer.start();
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	private ApplicationContextRunner runner(BrowserLauncher browser) {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class, OAuthCallbackRestClientAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues(REGISTRATION + "device.client-id=" + TestAuthorizationServer.DEVICE_CLIENT,
					REGISTRATION + "device.client-authentication-method=none",
					REGISTRATION + "device.authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					REGISTRATION + "device.scope=profile,read", REGISTRATION + "device.provider=test",
					REGISTRATION + "basic.client-id=" + TestAuthorizationServer.DEVICE_CONFIDENTIAL_CLIENT,
					REGISTRATION + "basic.client-secret=" + TestAuthorizationServer.DEVICE_SECRET,
					REGISTRATION + "basic.client-authentication-method=client_secret_basic",
					REGISTRATION + "basic.authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					REGISTRATION + "basic.scope=read", REGISTRATION + "basic.provider=test",
					REGISTRATION + "post.client-id=" + TestAuthorizationServer.DEVICE_CONFIDENTIAL_CLIENT,
					REGISTRATION + "post.client-secret=" + TestAuthorizationServer.DEVICE_SECRET,
					REGISTRATION + "post.client-authentication-method=client_secret_post",
					REGISTRATION + "post.authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code",
					REGISTRATION + "post.scope=read", REGISTRATION + "post.provider=test",
					// A browser-login registration of the same public client, logged in with the device grant on
					// request (login --device).
					REGISTRATION + "forced.client-id=" + TestAuthorizationServer.DEVICE_CLIENT,
					REGISTRATION + "forced.client-authentication-method=none",
					REGISTRATION + "forced.authorization-grant-type=authorization_code",
					REGISTRATION + "forced.redirect-uri=http://127.0.0.1/callback",
					REGISTRATION + "forced.scope=read", REGISTRATION + "forced.provider=test",
					"spring.security.oauth2.client.provider.test.issuer-uri=" + server.issuer(),
					"oauth-callback.store.file.path=" + this.dir.resolve("tokens.json"),
					"oauth-callback.discovery.cache.directory=" + this.dir.resolve("discovery"),
					"oauth-callback.login.account=ada-cli", "oauth-callback.login.interactive=always");
	}

	/** A browser on another device: approves the login at the URI the starter opens. */
	private static BrowserLauncher approving(List<URI> opened, List<Throwable> failures) {
		return (uri) -> {
			opened.add(uri);
			DeviceApprover.approveLater(uri, failures);
		};
	}

	@Test
	void aPublicDeviceClientLogsInOnFirstUseAndItsExpiredTokenIsRefreshed() throws Exception {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner(approving(opened, failures)).run((context) -> {
			assertThat(context).hasNotFailed();
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizeRequest request = OAuth2AuthorizeRequest.withClientRegistrationId("device")
				.principal("ada-cli")
				.build();
			OAuth2AuthorizedClient first = manager.authorize(request);
			assertThat(failures).isEmpty();
			assertThat(opened).singleElement()
				.satisfies((uri) -> assertThat(uri.toString()).startsWith(server.issuer() + "/oauth2/device_verification?user_code="));
			assertThat(first.getRefreshToken()).as("a public device client gets a refresh token").isNotNull();
			assertThat(server.isActive(first.getAccessToken().getTokenValue())).isTrue();
			TokenStore store = context.getBean(TokenStore.class);
			assertThat(store.<OAuth2AuthorizedClient>loadAuthorizedClient("device", "ada-cli").getAccessToken()
				.getTokenValue()).isEqualTo(first.getAccessToken().getTokenValue());

			// A stored, valid login is used as it is.
			assertThat(manager.authorize(request).getAccessToken().getTokenValue())
				.isEqualTo(first.getAccessToken().getTokenValue());
			// Expired: refreshed with the refresh token, as any login, without a new device login.
			manager.invalidate(first);
			OAuth2AuthorizedClient refreshed = manager.authorize(request);
			assertThat(opened).as("no second device login").hasSize(1);
			assertThat(refreshed.getAccessToken().getTokenValue())
				.isNotEqualTo(first.getAccessToken().getTokenValue());
			assertThat(server.isActive(refreshed.getAccessToken().getTokenValue())).isTrue();
		});
	}

	@Test
	void confidentialDeviceClientsLogInWithBasicAndPostAuthentication() throws Exception {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner(approving(opened, failures)).run((context) -> {
			OAuth2AuthorizedClient basic = context.getBean(DeviceAuthorizer.class).authorize("basic");
			OAuth2AuthorizedClient post = context.getBean(OAuthCallbackAuthorizedClientManager.class)
				.login("post", AuthorizationOptions.defaults());
			assertThat(failures).isEmpty();
			assertThat(opened).hasSize(2);
			assertThat(server.isActive(basic.getAccessToken().getTokenValue())).isTrue();
			assertThat(server.isActive(post.getAccessToken().getTokenValue())).isTrue();
			assertThat(post.getPrincipalName()).isEqualTo("ada-cli");
		});
	}

	@Test
	void aBrowserLoginRegistrationCanBeLoggedInWithTheDeviceGrantOnRequest() throws Exception {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner(approving(opened, failures)).run((context) -> {
			assertThat(context.getBean(DeviceAuthorizer.class).supports("forced")).isTrue();
			OAuth2AuthorizedClient client = context.getBean(OAuthCallbackAuthorizedClientManager.class)
				.deviceLogin("forced", AuthorizationOptions.defaults());
			assertThat(failures).isEmpty();
			assertThat(server.isActive(client.getAccessToken().getTokenValue())).isTrue();
			assertThat(context.getBean(TokenStore.class).<OAuth2AuthorizedClient>loadAuthorizedClient("forced",
					"ada-cli")).isNotNull();
		});
	}

	@Test
	void loginModeDeviceLogsAnAuthorizationCodeRegistrationInWithTheDeviceGrant() throws Exception {
		List<URI> opened = new CopyOnWriteArrayList<>();
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner(approving(opened, failures)).withPropertyValues("oauth-callback.login.mode=device").run((context) -> {
			assertThat(context).hasSingleBean(DeviceLoginStarter.class);
			// The plain login of a browser-login registration: the mode, not the caller, picks the device grant.
			OAuth2AuthorizedClient client = context.getBean(OAuthCallbackAuthorizedClientManager.class)
				.login("forced", AuthorizationOptions.defaults());
			assertThat(failures).isEmpty();
			assertThat(opened).as("the device verification page, not an authorization URL")
				.singleElement()
				.satisfies((uri) -> assertThat(uri.toString())
					.startsWith(server.issuer() + "/oauth2/device_verification?user_code="));
			assertThat(server.isActive(client.getAccessToken().getTokenValue())).isTrue();
			assertThat(client.getPrincipalName()).isEqualTo("ada-cli");
			assertThat(context.getBean(TokenStore.class)
				.<OAuth2AuthorizedClient>loadAuthorizedClient("forced", "ada-cli")
				.getAccessToken()
				.getTokenValue()).isEqualTo(client.getAccessToken().getTokenValue());
		});
	}

	@Test
	void aDeniedDeviceLoginEndsWithAccessDenied() throws Exception {
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		runner((uri) -> {
			Thread thread = new Thread(() -> {
				try {
					DeviceApprover.deny(uri);
				}
				catch (Throwable ex) {
					failures.add(ex);
				}
			});
			thread.setDaemon(true);
			thread.start();
		}).run((context) -> {
			assertThatExceptionOfType(AuthorizationErrorException.class)
				.isThrownBy(() -> context.getBean(DeviceAuthorizer.class).authorize("device"))
				.satisfies((ex) -> assertThat(ex.getError()).isEqualTo("access_denied"));
			assertThat(failures).isEmpty();
			assertThat(context.getBean(TokenStore.class).logins()).isEmpty();
		});
	}

}
