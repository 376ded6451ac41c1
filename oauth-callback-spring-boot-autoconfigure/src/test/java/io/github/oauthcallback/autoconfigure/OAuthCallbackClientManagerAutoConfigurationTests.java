package io.github.oauthcallback.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.internal.refresh.LazyAuthorizedClientProvider;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.refresh.RefreshEventsAfterSave;
import io.github.oauthcallback.internal.revocation.LoginRevocation;
import io.github.oauthcallback.internal.tokenendpoint.TokenRevocationClient;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.StubRegistration;
import io.github.oauthcallback.internal.tokenendpoint.LazyTokenResponseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientProvider;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2ClientCredentialsGrantRequest;
import org.springframework.security.oauth2.client.endpoint.OAuth2RefreshTokenGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.event.OAuth2AuthorizedClientRefreshedEvent;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static io.github.oauthcallback.support.StubRegistration.authorize;
import static io.github.oauthcallback.support.StubRegistration.seed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OAuthCallbackClientManagerAutoConfiguration}: the client manager, its provider chain, its token-endpoint
 * clients and its refresh events, each a bean the application can replace (and then the manager uses the
 * application's), and none of them without the starter's login and a store. (The provider-chain and token-client
 * tests were {@code ProviderChainBeanTests}.)
 */
class OAuthCallbackClientManagerAutoConfigurationTests {

	private static final String CLOSED = "http://127.0.0.1:9";

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	/** The token endpoint is a closed port: a test that needs a token gets it from an application's bean. */
	private static ApplicationContextRunner runner() {
		return StubRegistration.runner(CLOSED + "/authorize", CLOSED + "/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never");
	}

	@Test
	void beansWithDefaults() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean("oauthCallbackAuthorizedClientManager")
				.isInstanceOf(OAuthCallbackAuthorizedClientManager.class)
				.isSameAs(context.getBean(OAuth2AuthorizedClientManager.class));
			assertThat(context).getBean("oauthCallbackRefreshTokenResponseClient")
				.isInstanceOfSatisfying(LazyTokenResponseClient.class, (lazy) -> assertThat(lazy.created()).isFalse());
			assertThat(context).getBean("oauthCallbackRefreshEvents").isInstanceOf(RefreshEventsAfterSave.class);
		});
	}

	@Test
	void managerBacksOffForAPlainManagerOfTheApplicationWhichIsTheOneUsed() {
		OAuth2AuthorizedClientManager mine = (request) -> null;
		runner().withBean("myManager", OAuth2AuthorizedClientManager.class, () -> mine).run((context) -> {
			assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackAuthorizedClientManager.class)
				.doesNotHaveBean("oauthCallbackAuthorizedClientManager");
			assertThat(context.getBean(OAuth2AuthorizedClientManager.class)).isSameAs(mine);
			assertThat(context).as("its parts stay, for a manager of the application built on them")
				.hasBean("oauthCallbackAuthorizedClientProvider")
				.hasBean("oauthCallbackRefreshTokenResponseClient")
				.hasBean("oauthCallbackClientCredentialsTokenResponseClient")
				.hasBean("oauthCallbackRefreshEvents");
		});
	}

	@Test
	void refreshEventsBackOffAndTheManagerPublishesThroughTheApplicationsOnes() {
		this.wireMock.stubFor(post(urlEqualTo("/token")).willReturn(okJson(
				"{\"access_token\":\"at-new\",\"token_type\":\"Bearer\",\"expires_in\":3600,\"refresh_token\":\"rt-2\"}")));
		List<Object> published = new CopyOnWriteArrayList<>();
		RefreshEventsAfterSave mine = new RefreshEventsAfterSave(published::add);
		StubRegistration.runner(CLOSED + "/authorize", this.wireMock.baseUrl() + "/token")
			.withPropertyValues("oauth-callback.store.type=memory", "oauth-callback.login.interactive=never")
			.withBean("myEvents", RefreshEventsAfterSave.class, () -> mine)
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackRefreshEvents");
				assertThat(context.getBean(RefreshEventsAfterSave.class)).isSameAs(mine);
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-new");
				assertThat(published).singleElement().isInstanceOf(OAuth2AuthorizedClientRefreshedEvent.class);
			});
	}

	@Test
	void theManagerRefreshesWithARefreshClientOfTheApplication() {
		runner().withUserConfiguration(OwnRefreshClient.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackRefreshTokenResponseClient");
			seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
			assertThat(authorize(context).getAccessToken().getTokenValue()).isEqualTo("at-from-own-refresh-client");
			assertThat(context.getBean(OwnRefreshClient.class).requests).hasValue(1);
		});
	}

	@Test
	void theManagerLogsInThroughALoopbackAuthorizerOfTheApplication() {
		List<String> logins = new CopyOnWriteArrayList<>();
		LoopbackAuthorizer mine = new LoopbackAuthorizer() {
			@Override
			public OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options) {
				logins.add(registrationId + "/" + options.account());
				return null;
			}

			@Override
			public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
					AuthorizationOptions options) {
				return CompletableFuture.completedFuture(authorize(registrationId, options));
			}
		};
		runner().withBean("myAuthorizer", LoopbackAuthorizer.class, () -> mine).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OAuthCallbackAuthorizedClientManager.class);
			context.getBean(OAuthCallbackAuthorizedClientManager.class).login("api", AuthorizationOptions.defaults());
			assertThat(logins).containsExactly("api/ada");
		});
	}

	@Test
	void withoutTheStartersLoginThereIsNoManager() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackClientManagerAutoConfiguration.class))
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + CLOSED + "/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=" + CLOSED + "/token",
					"oauth-callback.store.type=memory")
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ClientRegistrationRepository.class)
				.doesNotHaveBean(OAuth2AuthorizedClientManager.class)
				.doesNotHaveBean(OAuth2AuthorizedClientProvider.class)
				.doesNotHaveBean(RefreshEventsAfterSave.class)
				.doesNotHaveBean(OAuth2AccessTokenResponseClient.class));
	}

	@Test
	void withoutRegistrationsThereIsNoManager() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
					OAuthCallbackClientManagerAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuth2AuthorizedClientManager.class)
				.doesNotHaveBean(RefreshEventsAfterSave.class));
	}

	@Test
	void theStarterDefinesTheChainByDefault() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean("oauthCallbackAuthorizedClientProvider")
				.isInstanceOf(LazyAuthorizedClientProvider.class);
			assertThat(context).hasSingleBean(RefreshEventsAfterSave.class);
		});
	}

	@Test
	void theManagerUsesAChainDefinedByTheApplication() {
		runner().withUserConfiguration(OwnChain.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).hasSingleBean(OAuth2AuthorizedClientProvider.class);
				assertThat(context).doesNotHaveBean("oauthCallbackAuthorizedClientProvider");
				seed(context, "at-old", Instant.now().minusSeconds(60), "rt-old");
				OAuth2AuthorizedClient client = authorize(context);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-from-own-chain");
				assertThat(context.getBean(TokenStore.class).loadAuthorizedClient("api", "ada").getAccessToken()
					.getTokenValue()).as("the manager stored what the application's chain returned")
					.isEqualTo("at-from-own-chain");
			});
	}

	@Test
	void theStarterDefinesTheClientCredentialsClientByDefaultCreatedOnItsFirstRequest() {
		runner().run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).getBean("oauthCallbackClientCredentialsTokenResponseClient")
				.isInstanceOfSatisfying(LazyTokenResponseClient.class, (lazy) -> assertThat(lazy.created()).isFalse());
		});
	}

	@Test
	void theChainUsesAClientCredentialsClientDefinedByTheApplication() {
		String service = "spring.security.oauth2.client.registration.api.";
		// The token endpoint is a closed port: only the application's client can get a token.
		runner()
			.withPropertyValues(service + "authorization-grant-type=client_credentials",
					service + "client-secret=s3cret", service + "client-authentication-method=client_secret_basic",
					service + "redirect-uri=")
			.withUserConfiguration(OwnClientCredentialsClient.class)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("oauthCallbackClientCredentialsTokenResponseClient");
				assertThat(context).as("the refresh client is not replaced by it")
					.hasBean("oauthCallbackRefreshTokenResponseClient");
				OAuth2AuthorizedClient client = authorize(context);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("at-from-own-client");
				assertThat(context.getBean(OwnClientCredentialsClient.class).requests).hasValue(1);
			});
	}

	@Test
	void aRefreshClientOfTheApplicationLeavesTheClientCredentialsClientInPlace() {
		runner()
			.withBean("myRefreshTokens", RestClientRefreshTokenTokenResponseClient.class,
					RestClientRefreshTokenTokenResponseClient::new)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean("oauthCallbackRefreshTokenResponseClient");
				assertThat(context).getBean("oauthCallbackClientCredentialsTokenResponseClient")
					.isInstanceOf(LazyTokenResponseClient.class);
			});
	}

	@Test
	void theStarterDefinesTheRevocationWhichTheManagerUsesAndWhichBacksOffForTheApplications() {
		runner().run((context) -> assertThat(context).hasSingleBean(LoginRevocation.class));
		LoginRevocation mine = new LoginRevocation(new TokenRevocationClient(() -> {
			throw new IllegalStateException("no revocation in this test");
		}), Map.of(), false, false);
		runner().withBean("myRevocation", LoginRevocation.class, () -> mine).run((context) -> {
			assertThat(context).doesNotHaveBean("oauthCallbackLoginRevocation");
			StubRegistration.seed(context, "at-1", Instant.now().plusSeconds(3600), "rt-1");
			assertThat(context.getBean(OAuthCallbackAuthorizedClientManager.class).logout("api", "ada"))
				.hasValueSatisfying((loggedOut) -> assertThat(loggedOut.revocation())
					.isEqualTo(OAuthCallbackAuthorizedClientManager.LoggedOut.Revocation.OFF));
		});
	}

	@Test
	void settingsForARegistrationThatIsNotDeclaredFailAtStartUp() {
		runner().withPropertyValues("oauth-callback.registrations.nosuch.revocation-uri=https://idp.example/revoke")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class, (ex) -> {
					assertThat(ex.getName()).isEqualTo("oauth-callback.registrations.nosuch");
					assertThat(ex.getReason()).contains("No registration 'nosuch' is declared", "declared: api");
				}));
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnRefreshClient {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2RefreshTokenGrantRequest> ownRefreshClient() {
			return (request) -> {
				this.requests.incrementAndGet();
				return OAuth2AccessTokenResponse.withToken("at-from-own-refresh-client")
					.tokenType(OAuth2AccessToken.TokenType.BEARER)
					.expiresIn(3600)
					.build();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClientCredentialsClient {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		OAuth2AccessTokenResponseClient<OAuth2ClientCredentialsGrantRequest> ownClientCredentialsClient() {
			return (request) -> {
				this.requests.incrementAndGet();
				return OAuth2AccessTokenResponse.withToken("at-from-own-client")
					.tokenType(OAuth2AccessToken.TokenType.BEARER)
					.expiresIn(3600)
					.build();
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnChain {

		@Bean
		OAuth2AuthorizedClientProvider ownChain() {
			return (context) -> {
				OAuth2AuthorizedClient existing = context.getAuthorizedClient();
				if (existing == null) {
					return null;
				}
				Instant now = Instant.now();
				return new OAuth2AuthorizedClient(existing.getClientRegistration(), existing.getPrincipalName(),
						new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-from-own-chain", now,
								now.plusSeconds(3600), Set.of("read")),
						existing.getRefreshToken());
			};
		}

	}

}
