package io.github.oauthcallback.e2e;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.autoconfigure.OAuthCallbackClientManagerAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackLoginAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.support.CallbackBrowser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.client.OAuth2AuthorizeRequest;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * RFC 8707 resource indicators through the whole auto-configured starter against a WireMock provider: the
 * {@code resource} of {@code oauth-callback.registrations.<id>.resource} is on the authorization request, the code
 * exchange, the refresh, the device authorization request and the device token request, and a registration without
 * one sends none.
 */
class ResourceIndicatorEndToEndTests {

	private static final String RESOURCE = "https://api.example/mcp";

	private static final String ENCODED = "resource=" + URLEncoder.encode(RESOURCE, StandardCharsets.UTF_8);

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("grant_type=authorization_code"))
			.willReturn(tokens("acc-1", "ref-1")));
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("grant_type=refresh_token"))
			.willReturn(tokens("acc-2", "ref-2")));
		this.wireMock.stubFor(post(urlEqualTo("/token")).withRequestBody(containing("device_code"))
			.willReturn(tokens("acc-tv", "ref-tv")));
		this.wireMock.stubFor(post(urlEqualTo("/device_authorization")).willReturn(aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"device_code\":\"dev-code-1\",\"user_code\":\"WDJB-MJHT\",\"verification_uri\":"
					+ "\"https://idp.example/device\",\"expires_in\":900,\"interval\":1}")));
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private static ResponseDefinitionBuilder tokens(String access, String refresh) {
		return aResponse().withStatus(200)
			.withHeader("Content-Type", "application/json")
			.withBody("{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
					+ "\"refresh_token\":\"" + refresh + "\"}");
	}

	private ApplicationContextRunner runner(BrowserLauncher browser) {
		String base = this.wireMock.baseUrl();
		String api = "spring.security.oauth2.client.registration.api.";
		String tv = "spring.security.oauth2.client.registration.tv.";
		String plain = "spring.security.oauth2.client.registration.plain.";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> browser)
			.withPropertyValues(api + "client-id=cli", api + "client-authentication-method=none",
					api + "authorization-grant-type=authorization_code", api + "scope=read",
					api + "redirect-uri=http://127.0.0.1/callback", api + "provider=wm",
					plain + "client-id=plain", plain + "client-authentication-method=none",
					plain + "authorization-grant-type=authorization_code",
					plain + "redirect-uri=http://127.0.0.1/callback", plain + "provider=wm", tv + "client-id=tv",
					tv + "client-authentication-method=none",
					tv + "authorization-grant-type=urn:ietf:params:oauth:grant-type:device_code", tv + "provider=wm",
					"spring.security.oauth2.client.provider.wm.authorization-uri=" + base + "/authorize",
					"spring.security.oauth2.client.provider.wm.token-uri=" + base + "/token",
					"oauth-callback.registrations.api.resource=" + RESOURCE,
					"oauth-callback.registrations.tv.resource=" + RESOURCE,
					"oauth-callback.registrations.tv.device-authorization-uri=" + base + "/device_authorization",
					"oauth-callback.store.type=memory", "oauth-callback.login.account=ada",
					"oauth-callback.login.interactive=always");
	}

	@Test
	void theResourceIsOnTheAuthorizationRequestTheCodeExchangeAndEveryRefresh() {
		CallbackBrowser browser = new CallbackBrowser("code-1");
		runner(browser).run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			OAuth2AuthorizedClient login = manager.login("api", AuthorizationOptions.defaults());
			assertThat(login.getAccessToken().getTokenValue()).isEqualTo("acc-1");
			assertThat(browser.authorizationParameters()).containsEntry("resource", RESOURCE);
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token"))
				.withRequestBody(containing("grant_type=authorization_code"))
				.withRequestBody(containing(ENCODED)));

			for (int refresh = 1; refresh <= 2; refresh++) {
				manager.invalidate(manager.authorize(request("api")));
				assertThat(manager.authorize(request("api")).getAccessToken().getTokenValue()).isEqualTo("acc-2");
			}
			this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token"))
				.withRequestBody(containing("grant_type=refresh_token"))
				.withRequestBody(containing(ENCODED)));
			this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")).withRequestBody(notContaining(ENCODED)));
		});
	}

	@Test
	void aRegistrationWithoutAResourceSendsNone() {
		CallbackBrowser browser = new CallbackBrowser("code-1");
		runner(browser).run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			manager.login("plain", AuthorizationOptions.defaults());
			manager.invalidate(manager.authorize(request("plain")));
			manager.authorize(request("plain"));
			assertThat(browser.authorizationParameters()).doesNotContainKey("resource");
			this.wireMock.verify(2, postRequestedFor(urlEqualTo("/token")));
			this.wireMock.verify(0, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("resource=")));
		});
	}

	@Test
	void theResourceIsOnTheDeviceAuthorizationAndDeviceTokenRequests() {
		runner((uri) -> assertThat(uri).isEqualTo(URI.create("https://idp.example/device"))).run((context) -> {
			OAuthCallbackAuthorizedClientManager manager = context.getBean(OAuthCallbackAuthorizedClientManager.class);
			assertThat(manager.login("tv", AuthorizationOptions.defaults()).getAccessToken().getTokenValue())
				.isEqualTo("acc-tv");
			this.wireMock.verify(1,
					postRequestedFor(urlEqualTo("/device_authorization")).withRequestBody(containing(ENCODED)));
			this.wireMock.verify(1, postRequestedFor(urlEqualTo("/token")).withRequestBody(containing("device_code"))
				.withRequestBody(containing(ENCODED)));
		});
	}

	private static OAuth2AuthorizeRequest request(String registrationId) {
		return OAuth2AuthorizeRequest.withClientRegistrationId(registrationId)
			.principal(Accounts.principal("ada"))
			.build();
	}

}
