package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.support.UnusedLoopbackAuthorizer;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.oauthcallback.InvalidRegistrationException;
import io.github.oauthcallback.TokenExchangeException;
import io.github.oauthcallback.authorize.AuthorizationOptions;
import io.github.oauthcallback.internal.authorize.CachingIdTokenDecoderFactory;
import io.github.oauthcallback.internal.authorize.DefaultLoopbackAuthorizer;
import io.github.oauthcallback.internal.authorize.DeviceGrantUnavailableException;
import io.github.oauthcallback.internal.authorize.DeviceLoginStarter;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.internal.browser.SystemBrowserLauncher;
import io.github.oauthcallback.support.CallbackBrowser;
import io.github.oauthcallback.support.ListenerResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest;
import org.springframework.security.oauth2.client.endpoint.RestClientAuthorizationCodeTokenResponseClient;
import org.springframework.security.oauth2.client.endpoint.RestClientRefreshTokenTokenResponseClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.endpoint.OAuth2AccessTokenResponse;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class OAuthCallbackLoginAutoConfigurationTests {

	/** What a user writes: no grant type, which RegistrationDefaultsEnvironmentPostProcessor supplies. */
	private static final String[] USER_REGISTRATION = { "spring.security.oauth2.client.registration.demo.client-id=cli",
			"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
			"spring.security.oauth2.client.registration.demo.provider=demo",
			"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
			"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token" };

	/** ApplicationContextRunner runs no EnvironmentPostProcessor: the grant type is explicit here. */
	private static final String[] REGISTRATION = { "spring.security.oauth2.client.registration.demo.client-id=cli",
			"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
			"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
			"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
			"spring.security.oauth2.client.registration.demo.provider=demo",
			"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
			"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(OAuth2ClientAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class));

	@Test
	void beansWithDefaults() {
		this.runner.withPropertyValues(REGISTRATION).run((context) -> {
			assertThat(context).hasSingleBean(LoopbackAuthorizer.class)
				.hasSingleBean(ClientRegistrationRepository.class)
				.hasSingleBean(OAuth2AuthorizedClientService.class);
			assertThat(context.getBean(LoopbackAuthorizer.class)).isInstanceOf(DefaultLoopbackAuthorizer.class);
			assertThat(context.getBean(io.github.oauthcallback.authorize.DeviceAuthorizer.class))
				.isInstanceOf(io.github.oauthcallback.internal.device.DefaultDeviceAuthorizer.class)
				.satisfies((device) -> assertThat(device.supports("demo")).as("no device endpoint").isFalse());
			assertThat(context.getBean(BrowserLauncher.class)).isInstanceOf(SystemBrowserLauncher.class);
			// Spring's RestClient token client, created on the first token request (its constructor builds an HTTP
			// client that a run with a stored token does not need).
			assertThat(context.getBean(OAuth2AccessTokenResponseClient.class))
				.isInstanceOfSatisfying(io.github.oauthcallback.internal.tokenendpoint.LazyTokenResponseClient.class,
						(lazy) -> assertThat(lazy.created()).isFalse());
			assertThat(context.getBean(JwtDecoderFactory.class)).isInstanceOf(CachingIdTokenDecoderFactory.class);
			OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
			assertThat(properties.login().timeout()).isEqualTo(Duration.ofMinutes(5));
			assertThat(properties.login().browser()).isEqualTo("auto");
			assertThat(properties.login().account()).isNull();
			assertThat(properties.listener().host()).isEqualTo("127.0.0.1");
			assertThat(properties.listener().path()).isEqualTo("/callback");
			assertThat(properties.listener().ports()).isEmpty();
			assertThat(properties.tokenEndpoint().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(properties.tokenEndpoint().readTimeout()).isEqualTo(Duration.ofSeconds(30));
		});
	}

	@Test
	void propertiesBind() {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.login.timeout=90s", "oauth-callback.login.account=ci-bot",
					"oauth-callback.login.browser=print", "oauth-callback.listener.host=localhost",
					"oauth-callback.listener.ports=8400,8401", "oauth-callback.token-endpoint.read-timeout=5s",
					"oauth-callback.login.authorization-parameters.demo.access_type=offline")
			.run((context) -> {
				OAuthCallbackProperties properties = context.getBean(OAuthCallbackProperties.class);
				assertThat(properties.login().timeout()).isEqualTo(Duration.ofSeconds(90));
				assertThat(properties.login().account()).isEqualTo("ci-bot");
				assertThat(properties.listener().ports()).containsExactly(8400, 8401);
				assertThat(properties.tokenEndpoint().readTimeout()).isEqualTo(Duration.ofSeconds(5));
				assertThat(properties.login().authorizationParameters()).containsEntry("demo", Map.of("access_type", "offline"));
				assertThat(context).hasSingleBean(LoopbackAuthorizer.class);
			});
	}

	@Test
	void noRegistrationMeansNoAuthorizer() {
		this.runner.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(LoopbackAuthorizer.class));
	}

	@Test
	void aDeviceAuthorizerOfTheApplicationReplacesTheDefault() {
		io.github.oauthcallback.authorize.DeviceAuthorizer device = new io.github.oauthcallback.authorize.DeviceAuthorizer() {
			@Override
			public OAuth2AuthorizedClient authorize(String registrationId, AuthorizationOptions options) {
				return null;
			}

			@Override
			public CompletableFuture<OAuth2AuthorizedClient> authorizeAsync(String registrationId,
					AuthorizationOptions options) {
				return null;
			}

			@Override
			public boolean supports(String registrationId) {
				return true;
			}
		};
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myDevice", io.github.oauthcallback.authorize.DeviceAuthorizer.class, () -> device)
			.run((context) -> assertThat(context).getBean(io.github.oauthcallback.authorize.DeviceAuthorizer.class)
				.isSameAs(device));
	}

	@Test
	void eachBeanBacksOff() {
		BrowserLauncher browser = (uri) -> {
		};
		LoopbackAuthorizer authorizer = new UnusedLoopbackAuthorizer();
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myBrowser", BrowserLauncher.class, () -> browser)
			.withBean("myAuthorizer", LoopbackAuthorizer.class, () -> authorizer)
			.withBean("myTokens", RestClientAuthorizationCodeTokenResponseClient.class,
					RestClientAuthorizationCodeTokenResponseClient::new)
			.withBean("myDecoders", CachingIdTokenDecoderFactory.class, CachingIdTokenDecoderFactory::new)
			.run((context) -> {
				assertThat(context).hasSingleBean(BrowserLauncher.class).hasSingleBean(LoopbackAuthorizer.class);
				assertThat(context.getBean(BrowserLauncher.class)).isSameAs(browser);
				assertThat(context.getBean(LoopbackAuthorizer.class)).isSameAs(authorizer);
				assertThat(context.getBeanNamesForType(OAuth2AccessTokenResponseClient.class))
					.containsExactly("myTokens");
				assertThat(context.getBeanNamesForType(JwtDecoderFactory.class)).containsExactly("myDecoders");
			});
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void customBrowserLauncherGetsTheUrlPrintedFirst(CapturedOutput output) {
		List<String> printedBeforeOpening = new ArrayList<>();
		List<URI> opened = new ArrayList<>();
		BrowserLauncher qrCode = (uri) -> {
			printedBeforeOpening.add(output.getErr());
			opened.add(uri);
		};
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("qrCodeLauncher", BrowserLauncher.class, () -> qrCode)
			.run((context) -> {
				CompletableFuture<OAuth2AuthorizedClient> login = context.getBean(LoopbackAuthorizer.class)
					.authorizeAsync("demo", null);
				login.cancel(true);
			});
		assertThat(opened).hasSize(1);
		assertThat(printedBeforeOpening).singleElement()
			.asString()
			.contains("Open this URL to continue: " + opened.get(0) + System.lineSeparator());
		assertThat(output.getErr()).containsOnlyOnce("Open this URL to continue: ");
	}

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void printModePrintsTheUrlOnce(CapturedOutput output) {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.login.browser=print")
			.run((context) -> context.getBean(LoopbackAuthorizer.class).authorizeAsync("demo", null).cancel(true));
		assertThat(output.getErr()).containsOnlyOnce("Open this URL to continue: https://idp.example/authorize?");
	}

	@Test
	void browserLauncherBacksOffAloneAndTheAuthorizerUsesTheUsersOne() {
		List<URI> opened = new ArrayList<>();
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myBrowser", BrowserLauncher.class, () -> opened::add)
			.run((context) -> {
				assertThat(context.getBeanNamesForType(BrowserLauncher.class)).containsExactly("myBrowser");
				assertThat(context).hasSingleBean(DefaultLoopbackAuthorizer.class)
					.hasBean("oauthCallbackAuthorizationCodeTokenResponseClient")
					.hasSingleBean(CachingIdTokenDecoderFactory.class);
				context.getBean(LoopbackAuthorizer.class).authorizeAsync("demo", null).cancel(true);
				assertThat(opened).singleElement().asString().startsWith("https://idp.example/authorize?");
			});
	}

	@Test
	void codeExchangeClientBacksOffAloneAndTheAuthorizerUsesTheUsersOne() throws Exception {
		RecordingTokenClient tokens = new RecordingTokenClient(Map.of());
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myTokens", RecordingTokenClient.class, () -> tokens)
			.withBean(BrowserLauncher.class, () -> new CallbackBrowser("code-1"))
			.run((context) -> {
				assertThat(context.getBeanNamesForType(OAuth2AccessTokenResponseClient.class)).containsExactly("myTokens");
				assertThat(context).hasSingleBean(DefaultLoopbackAuthorizer.class)
					.hasSingleBean(CachingIdTokenDecoderFactory.class);
				OAuth2AuthorizedClient client = context.getBean(LoopbackAuthorizer.class)
					.authorizeAsync("demo", null)
					.get(10, TimeUnit.SECONDS);
				assertThat(client.getAccessToken().getTokenValue()).isEqualTo("AT-1");
			});
		assertThat(tokens.codes).containsExactly("code-1");
	}

	@Test
	void aRefreshTokenClientOfTheUserDoesNotReplaceTheCodeExchangeClient() {
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myRefreshTokens", RestClientRefreshTokenTokenResponseClient.class,
					RestClientRefreshTokenTokenResponseClient::new)
			.run((context) -> {
				assertThat(context).hasBean("oauthCallbackAuthorizationCodeTokenResponseClient")
					.hasSingleBean(LoopbackAuthorizer.class);
				assertThat(context.getBean("oauthCallbackAuthorizationCodeTokenResponseClient"))
					.isInstanceOf(io.github.oauthcallback.internal.tokenendpoint.LazyTokenResponseClient.class);
			});
	}

	@Test
	void idTokenDecoderFactoryBacksOffAloneAndTheAuthorizerUsesTheUsersOne() {
		RecordingDecoderFactory decoders = new RecordingDecoderFactory();
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("spring.security.oauth2.client.registration.demo.scope=openid")
			.withBean("myDecoders", RecordingDecoderFactory.class, () -> decoders)
			.withBean("myTokens", RecordingTokenClient.class,
					() -> new RecordingTokenClient(Map.of("id_token", "header.payload.signature")))
			.withBean(BrowserLauncher.class, () -> new CallbackBrowser("code-1"))
			.run((context) -> {
				assertThat(context.getBeanNamesForType(JwtDecoderFactory.class)).containsExactly("myDecoders");
				assertThat(context).doesNotHaveBean(CachingIdTokenDecoderFactory.class)
					.hasSingleBean(DefaultLoopbackAuthorizer.class);
				CompletableFuture<OAuth2AuthorizedClient> login = context.getBean(LoopbackAuthorizer.class)
					.authorizeAsync("demo", null);
				assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> login.get(10, TimeUnit.SECONDS))
					.withCauseInstanceOf(TokenExchangeException.class);
			});
		assertThat(decoders.registrations).containsExactly("demo");
	}

	@Test
	void authorizerBacksOffAloneAndItsPartsRemain() {
		LoopbackAuthorizer authorizer = new UnusedLoopbackAuthorizer();
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myAuthorizer", LoopbackAuthorizer.class, () -> authorizer)
			.run((context) -> {
				assertThat(context.getBeanNamesForType(LoopbackAuthorizer.class)).containsExactly("myAuthorizer");
				assertThat(context).doesNotHaveBean(DefaultLoopbackAuthorizer.class)
					.hasSingleBean(SystemBrowserLauncher.class)
					.hasBean("oauthCallbackAuthorizationCodeTokenResponseClient")
					.hasSingleBean(CachingIdTokenDecoderFactory.class);
			});
	}

	@Test
	void authorizerUsesUserDefinedParts() {
		this.runner.withPropertyValues(REGISTRATION)
			.withBean("myTokens", RestClientAuthorizationCodeTokenResponseClient.class,
					RestClientAuthorizationCodeTokenResponseClient::new)
			.run((context) -> assertThat(context).hasSingleBean(LoopbackAuthorizer.class));
	}

	@Test
	void registrationWithoutClientIdFailsClearly() {
		this.runner
			.withPropertyValues("spring.security.oauth2.client.registration.demo.provider=demo",
					"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
					"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("Client id")
				.hasMessageContaining("demo"));
	}

	@Test
	void publicClientWithASecretMethodFailsAtStartUp() {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues(
					"spring.security.oauth2.client.registration.demo.client-authentication-method=client_secret_basic")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidRegistrationException.class,
						(ex) -> assertThat(ex.getAttribute()).isEqualTo("client-authentication-method"))
				.hasMessageContaining("registration.demo.client-authentication-method=none"));
	}

	@Test
	void theCodeCaptureNeedsNoRegistrationAndFollowsTheLoginSettings() {
		this.runner.withPropertyValues("oauth-callback.login.timeout=90s", "oauth-callback.login.progress=Plain")
			.run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(LoopbackAuthorizer.class);
				assertThat(context.getBean(io.github.oauthcallback.authorize.LoopbackCodeCapture.class))
					.isInstanceOf(io.github.oauthcallback.internal.authorize.DefaultLoopbackCodeCapture.class);
				assertThat(context.getBean(OAuthCallbackProperties.class).login().progress()).isEqualTo("plain");
			});
	}

	@Test
	void aCodeCaptureOfTheApplicationReplacesTheDefault() {
		io.github.oauthcallback.authorize.LoopbackCodeCapture own = new io.github.oauthcallback.authorize.LoopbackCodeCapture() {
			@Override
			public io.github.oauthcallback.authorize.CapturedCallback capture(
					java.util.function.Function<URI, URI> authorizationUrl,
					io.github.oauthcallback.authorize.CaptureOptions options) {
				throw new UnsupportedOperationException();
			}

			@Override
			public CompletableFuture<io.github.oauthcallback.authorize.CapturedCallback> captureAsync(
					java.util.function.Function<URI, URI> authorizationUrl,
					io.github.oauthcallback.authorize.CaptureOptions options) {
				throw new UnsupportedOperationException();
			}
		};
		this.runner.withBean(io.github.oauthcallback.authorize.LoopbackCodeCapture.class, () -> own)
			.run((context) -> assertThat(context.getBean(io.github.oauthcallback.authorize.LoopbackCodeCapture.class))
				.isSameAs(own));
	}

	@Test
	void anUnknownProgressStyleFailsAtStartUp() {
		this.runner.withPropertyValues("oauth-callback.login.progress=fancy")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.login.progress"))
				.hasMessageContaining("auto, terminal, plain, off"));
	}

	@Test
	void nonLoopbackListenerHostFailsAtStartUp() {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.listener.host=0.0.0.0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.listener.host"))
				.hasMessageContaining("loopback host"));
	}

	@Test
	void timeoutThatIsNotPositiveFailsAtStartUp() {
		for (String timeout : new String[] { "0", "0s", "-5s" }) {
			this.runner.withPropertyValues(REGISTRATION)
				.withPropertyValues("oauth-callback.login.timeout=" + timeout)
				.run((context) -> assertThat(context).hasFailed()
					.getFailure()
					.rootCause()
					.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
							(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.login.timeout"))
					.hasMessageContaining("must be positive")
					.hasMessageContaining("5m"));
		}
	}

	@Test
	void missingPageFailsAtStartUp() {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.listener.pages.success=classpath:nope.html")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOfSatisfying(InvalidConfigurationPropertyValueException.class,
						(ex) -> assertThat(ex.getName()).isEqualTo("oauth-callback.listener.pages.success"))
				.hasMessageContaining("classpath:nope.html")
				.hasMessageContaining("Point it at a readable classpath: or file: resource"));
	}

	@Test
	void nonWebApplicationNeverStartsAServletContainer() {
		SpringApplication application = new SpringApplication(NonWebApp.class);
		application.setDefaultProperties(Map.of("spring.main.web-application-type", "none", "spring.main.banner-mode",
				"off", "spring.config.name", "no-config-file"));
		String[] args = USER_REGISTRATION.clone();
		for (int i = 0; i < args.length; i++) {
			args[i] = "--" + args[i];
		}
		try (ConfigurableApplicationContext context = application.run(args)) {
			assertThat(context).isNotInstanceOf(WebServerApplicationContext.class);
			assertThat(context.getBean(LoopbackAuthorizer.class)).isNotNull();
			ClientRegistration registration = context.getBean(ClientRegistrationRepository.class)
				.findByRegistrationId("demo");
			assertThat(registration.getClientId()).isEqualTo("cli");
			assertThat(registration.getAuthorizationGrantType().getValue()).isEqualTo("authorization_code");
			assertThat(registration.getRedirectUri()).isEqualTo("{baseUrl}/{action}/oauth2/code/{registrationId}");
			assertThat(Thread.getAllStackTraces().keySet()).noneMatch((thread) -> thread.getName().contains("tomcat")
					|| thread.getName().startsWith("http-nio"));
		}
	}

	@Test
	void registrationDefaultsNeverOverrideWhatTheUserSet() {
		SpringApplication application = new SpringApplication(NonWebApp.class);
		application.setDefaultProperties(Map.of("spring.main.web-application-type", "none", "spring.main.banner-mode",
				"off", "spring.config.name", "no-config-file"));
		String[] args = { "--spring.security.oauth2.client.registration.demo.client-id=cli",
				"--spring.security.oauth2.client.registration.demo.client-authentication-method=none",
				"--spring.security.oauth2.client.registration.demo.redirect-uri=http://[::1]:8765/done",
				"--spring.security.oauth2.client.registration.other.client-id=svc",
				"--spring.security.oauth2.client.registration.other.client-secret=x",
				"--spring.security.oauth2.client.registration.other.authorization-grant-type=client_credentials",
				"--spring.security.oauth2.client.registration.other.provider=demo",
				"--spring.security.oauth2.client.registration.demo.provider=demo",
				"--spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
				"--spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token" };
		try (ConfigurableApplicationContext context = application.run(args)) {
			ClientRegistrationRepository repository = context.getBean(ClientRegistrationRepository.class);
			assertThat(repository.findByRegistrationId("demo").getRedirectUri()).isEqualTo("http://[::1]:8765/done");
			assertThat(repository.findByRegistrationId("other").getAuthorizationGrantType().getValue())
				.isEqualTo("client_credentials");
		}
	}

	@Test
	void everyPropertyHasADescriptionInTheGeneratedMetadata() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode metadata = new ObjectMapper().readTree(in);
			List<JsonNode> properties = metadata.get("properties").valueStream().toList();
			assertThat(properties).extracting((property) -> property.get("name").asString())
				.contains("oauth-callback.login.timeout", "oauth-callback.login.account", "oauth-callback.login.browser",
						"oauth-callback.listener.host", "oauth-callback.listener.path", "oauth-callback.listener.ports",
						"oauth-callback.listener.pages.success", "oauth-callback.listener.pages.success-redirect-uri",
						"oauth-callback.token-endpoint.connect-timeout", "oauth-callback.token-endpoint.read-timeout");
			assertThat(properties).allSatisfy((property) -> assertThat(property.path("description").asString(""))
				.as(property.get("name").asString())
				.isNotBlank());
		}
	}

	@Test
	void aDeviceLoginStarterBeanRunsTheLoginsOfTheDeviceMode() {
		CompletableFuture<OAuth2AuthorizedClient> started = new CompletableFuture<>();
		List<String> asked = new ArrayList<>();
		DeviceLoginStarter device = new DeviceLoginStarter() {

			@Override
			public boolean supports(ClientRegistration registration) {
				return true;
			}

			@Override
			public CompletableFuture<OAuth2AuthorizedClient> start(ClientRegistration registration,
					AuthorizationOptions options) {
				asked.add(registration.getRegistrationId() + " " + options.account() + " " + options.timeout());
				return started;
			}

		};
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.login.mode=device", "oauth-callback.login.account=ada",
					"oauth-callback.login.timeout=2m")
			.withBean(DeviceLoginStarter.class, () -> device)
			.run((context) -> assertThat(context.getBean(LoopbackAuthorizer.class).authorizeAsync("demo", null))
				.isSameAs(started));
		assertThat(asked).containsExactly("demo ada PT2M");
	}

	/**
	 * The device-grant hook is there by default (on the DeviceAuthorizer); a registration whose provider has no device
	 * authorization endpoint still fails clearly. (Without any hook: LoginModeTests.)
	 */
	@Test
	void withoutADeviceEndpointTheDeviceModeFailsClearly() throws InterruptedException {
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.login.mode=device")
			.run((context) -> {
				assertThat(context).hasSingleBean(DeviceLoginStarter.class);
				assertThatExceptionOfType(DeviceGrantUnavailableException.class)
					.isThrownBy(() -> context.getBean(LoopbackAuthorizer.class).authorizeAsync("demo", null))
					.isInstanceOf(InvalidRegistrationException.class)
					.withMessageStartingWith("The device authorization grant is not available for registration "
							+ "'demo': its provider has no device authorization endpoint")
					.withMessageContaining("Set oauth-callback.login.mode to auto, browser or paste");
			});
		assertThat(ListenerResources.awaitNoListenerThreads()).isEmpty();
	}

	@Test
	void theLoginModeHasValueHintsInTheMetadata() throws Exception {
		try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			JsonNode metadata = new ObjectMapper().readTree(in);
			assertThat(metadata.get("properties").valueStream().map((property) -> property.get("name").asString()))
				.contains("oauth-callback.login.mode");
			JsonNode hint = metadata.get("hints")
				.valueStream()
				.filter((candidate) -> "oauth-callback.login.mode".equals(candidate.get("name").asString()))
				.findFirst()
				.orElseThrow();
			assertThat(hint.get("values").valueStream().map((value) -> value.get("value").asString()))
				.containsExactly("auto", "browser", "paste", "device");
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class NonWebApp {

	}

	/** A code-exchange client that answers with a fixed token response and records the codes it was given. */
	static final class RecordingTokenClient
			implements OAuth2AccessTokenResponseClient<OAuth2AuthorizationCodeGrantRequest> {

		final List<String> codes = new CopyOnWriteArrayList<>();

		private final Map<String, Object> additionalParameters;

		RecordingTokenClient(Map<String, Object> additionalParameters) {
			this.additionalParameters = additionalParameters;
		}

		@Override
		public OAuth2AccessTokenResponse getTokenResponse(OAuth2AuthorizationCodeGrantRequest grantRequest) {
			this.codes.add(grantRequest.getAuthorizationExchange().getAuthorizationResponse().getCode());
			return OAuth2AccessTokenResponse.withToken("AT-1")
				.tokenType(OAuth2AccessToken.TokenType.BEARER)
				.expiresIn(3600)
				.additionalParameters(this.additionalParameters)
				.build();
		}

	}

	/** Records the registrations it makes decoders for; its decoders refuse every token. */
	static final class RecordingDecoderFactory implements JwtDecoderFactory<ClientRegistration> {

		final List<String> registrations = new CopyOnWriteArrayList<>();

		@Override
		public JwtDecoder createDecoder(ClientRegistration registration) {
			this.registrations.add(registration.getRegistrationId());
			return (token) -> {
				throw new BadJwtException("refused by the test's decoder");
			};
		}

	}

	@Test
	void tokenEndpointClientsUseTheApplicationsHttpClientSettingsWithTheStartersTimeouts() {
		java.util.List<org.springframework.boot.http.client.HttpClientSettings> built = new java.util.concurrent.CopyOnWriteArrayList<>();
		org.springframework.boot.ssl.SslBundle companyCa = org.springframework.boot.ssl.SslBundle
			.of(org.springframework.boot.ssl.SslStoreBundle.NONE);
		org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder<org.springframework.http.client.SimpleClientHttpRequestFactory> factories = (
				settings) -> {
			built.add(settings);
			return new org.springframework.http.client.SimpleClientHttpRequestFactory();
		};
		this.runner.withPropertyValues(REGISTRATION)
			.withPropertyValues("oauth-callback.token-endpoint.connect-timeout=3s", "oauth-callback.token-endpoint.read-timeout=7s")
			.withBean(org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder.class, () -> factories)
			.withBean(org.springframework.boot.http.client.HttpClientSettings.class,
					() -> org.springframework.boot.http.client.HttpClientSettings.ofSslBundle(companyCa))
			.withPropertyValues("spring.security.oauth2.client.provider.demo.token-uri=http://127.0.0.1:9/token")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(LoopbackAuthorizer.class);
				assertThat(built).as("no HTTP client before the first token request").isEmpty();
				var registration = context
					.getBean(org.springframework.security.oauth2.client.registration.ClientRegistrationRepository.class)
					.findByRegistrationId("demo");
				var request = org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest
					.authorizationCode()
					.authorizationUri("https://idp.example/authorize")
					.clientId("cli")
					.redirectUri("http://127.0.0.1:1/callback")
					.state("s")
					.build();
				var response = org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationResponse.success("c")
					.redirectUri("http://127.0.0.1:1/callback")
					.state("s")
					.build();
				@SuppressWarnings("unchecked")
				var tokens = (org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient<org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest>) context
					.getBean(org.springframework.security.oauth2.client.endpoint.OAuth2AccessTokenResponseClient.class);
				org.assertj.core.api.Assertions.assertThatException()
					.isThrownBy(() -> tokens.getTokenResponse(
							new org.springframework.security.oauth2.client.endpoint.OAuth2AuthorizationCodeGrantRequest(
									registration,
									new org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationExchange(
											request, response))));
				assertThat(built).isNotEmpty().allSatisfy((settings) -> {
					assertThat(settings.sslBundle()).isSameAs(companyCa);
					assertThat(settings.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(3));
					assertThat(settings.readTimeout()).isEqualTo(java.time.Duration.ofSeconds(7));
					assertThat(settings.redirects())
						.isEqualTo(org.springframework.boot.http.client.HttpRedirects.DONT_FOLLOW);
				});
			});
	}

	@Test
	void nothingWithoutSpringSecuritysJoseSupport() {
		this.runner.withPropertyValues(REGISTRATION)
			.withClassLoader(new FilteredClassLoader(JwtDecoderFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LoopbackAuthorizer.class)
				.doesNotHaveBean(BrowserLauncher.class)
				.doesNotHaveBean(OAuth2AccessTokenResponseClient.class)
				.doesNotHaveBean(OAuthCallbackProperties.class));
	}

	@Test
	void noAuthorizerWithoutAnAuthorizedClientService() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuthCallbackLoginAutoConfiguration.class))
			.withBean(ClientRegistrationRepository.class,
					() -> new org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository(
							ClientRegistration.withRegistrationId("demo")
								.clientId("cli")
								.authorizationGrantType(
										org.springframework.security.oauth2.core.AuthorizationGrantType.AUTHORIZATION_CODE)
								.redirectUri("http://127.0.0.1/callback")
								.authorizationUri("https://idp.example/authorize")
								.tokenUri("https://idp.example/token")
								.build()))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(LoopbackAuthorizer.class)
				.hasSingleBean(BrowserLauncher.class));
	}
}
