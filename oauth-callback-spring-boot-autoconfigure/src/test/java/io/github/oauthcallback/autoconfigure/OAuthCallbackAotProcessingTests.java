package io.github.oauthcallback.autoconfigure;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.authorize.DeviceAuthorizer;
import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.client.OAuthCallbackHttpServiceGroupConfigurer;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import io.github.oauthcallback.internal.Accounts;
import io.github.oauthcallback.internal.mcp.McpRegistrations;
import io.github.oauthcallback.internal.refresh.ScheduledTokenRefresher;
import io.github.oauthcallback.internal.shell.OAuthCallbackShellCommands;
import io.github.oauthcallback.mcp.OAuthCallbackMcpTransports;
import io.github.oauthcallback.store.FileTokenStore;
import io.github.oauthcallback.store.InMemoryTokenStore;
import io.github.oauthcallback.store.JdbcTokenStore;
import io.github.oauthcallback.store.StoredLogin;
import io.github.oauthcallback.store.TokenStore;
import io.github.oauthcallback.support.AotProcessing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.context.annotation.ImportCandidates;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.shell.core.command.Command;
import org.springframework.web.client.RestClient;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.ok;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Every auto-configuration of the starter under Spring AOT, as {@code process-aot} and
 * {@code -Dspring.aot.enabled=true} run them: the bean definitions of a context are processed ahead of time with
 * Spring's {@code ApplicationContextAotGenerator}, the generated code is compiled ({@link AotProcessing}), and a new
 * context is started from that code alone (no configuration class is parsed, no condition evaluated, no registrar run), with
 * properties that differ from the build's where the starter reads them at run time. The declared clients
 * ({@code oauth-callback.clients.*}) are among the beans: their definitions used an instance supplier, for which AOT
 * generates no code.
 */
class OAuthCallbackAotProcessingTests {

	private static final String[] REGISTRATION = { "spring.security.oauth2.client.registration.demo.client-id=cli",
			"spring.security.oauth2.client.registration.demo.authorization-grant-type=authorization_code",
			"spring.security.oauth2.client.registration.demo.client-authentication-method=none",
			"spring.security.oauth2.client.registration.demo.redirect-uri=http://127.0.0.1/callback",
			"spring.security.oauth2.client.registration.demo.provider=demo",
			"spring.security.oauth2.client.provider.demo.authorization-uri=https://idp.example/authorize",
			"spring.security.oauth2.client.provider.demo.token-uri=https://idp.example/token",
			"spring.security.oauth2.client.provider.demo.device-authorization-uri=https://idp.example/device",
			"oauth-callback.login.account=ada" };

	@TempDir
	Path folder;

	private WireMockServer api;

	@BeforeEach
	void start() {
		this.api = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.api.start();
	}

	@AfterEach
	void stop() {
		this.api.stop();
	}

	@Test
	void theTestCoversEveryAutoConfigurationOfTheStarter() {
		List<String> declared = new ArrayList<>();
		ImportCandidates.load(AutoConfiguration.class, getClass().getClassLoader()).forEach((name) -> {
			if (name.startsWith("io.github.oauthcallback.")) {
				declared.add(name);
			}
		});
		List<String> processed = Arrays.stream(Starter.class.getAnnotation(ImportAutoConfiguration.class).value())
			.map(Class::getName)
			.toList();
		assertThat(declared).isNotEmpty();
		assertThat(processed).containsAll(declared);
	}

	/**
	 * File store with a key, the discovery cache, the loopback and device logins, the client manager, declared
	 * clients, the Spring Shell commands and MCP support: built with one token file and base URL, run with others.
	 */
	@Test
	void fileStoreDeclaredClientsShellAndMcpRunFromGeneratedCode() {
		this.api.stubFor(get(urlEqualTo("/me")).withHeader("Authorization", equalTo("Bearer at-aot"))
			.willReturn(ok("ada")));
		String key = key();
		Path runFile = this.folder.resolve("run/tokens.json");
		List<String> common = with(REGISTRATION, "oauth-callback.store.encryption.key=" + key,
				"oauth-callback.clients.api.registration=demo", "oauth-callback.clients.other.registration=demo");
		AotProcessing processing = processAndRun(
				with(common, "oauth-callback.store.file.path=" + this.folder.resolve("build/tokens.json"),
				"oauth-callback.clients.api.base-url=https://build.example"),
				with(common, "oauth-callback.store.file.path=" + runFile,
						"oauth-callback.clients.api.base-url=" + this.api.baseUrl()),
				(context) -> {
					assertThat(context.getBeansOfType(ClientRegistrationRepository.class)).hasSize(1);
					assertThat(context.getBean(LoopbackAuthorizer.class)).isNotNull();
					assertThat(context.getBean(DeviceAuthorizer.class)).isNotNull();
					assertThat(context.getBean(OAuthCallbackAuthorizedClientManager.class)).isNotNull();
					assertThat(context.getBean(OAuthCallbackHttpServiceGroupConfigurer.class)).isNotNull();
					assertThat(context.getBean(OAuthCallbackRestClients.class)).isNotNull();
					assertThat(context.getBeanNamesForType(RestClient.class)).containsExactlyInAnyOrder("apiRestClient",
							"otherRestClient");
					assertThat(context.getBean(OAuthCallbackShellCommands.class)).isNotNull();
					assertThat(context.getBeansOfType(Command.class)).containsOnlyKeys("oauthCallbackLoginCommand",
							"oauthCallbackLogoutCommand", "oauthCallbackStatusCommand");
					assertThat(context.getBean(McpRegistrations.class)).isNotNull();
					assertThat(context.getBean(OAuthCallbackMcpTransports.class)).isNotNull();
					TokenStore store = context.getBean(FileTokenStore.class);
					assertThat(store.location()).contains(runFile.toString());
					saveLogin(context, store);
					assertThat(store.logins()).extracting(StoredLogin::registrationId, StoredLogin::account)
						.containsExactly(tuple("demo", "ada"));
					assertThat(runFile).exists();
					RestClient client = context.getBean("apiRestClient", RestClient.class);
					assertThat(client.get().uri("/me").retrieve().body(String.class)).isEqualTo("ada");
				});
		// The starter's registrars (aot.factories) are part of the processing's hints.
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/oauthcallback/loopback/success.html"))
			.accepts(processing.hints());
		assertThat(RuntimeHintsPredicates.resource().forResource("io/github/oauthcallback/store/schema.sql"))
			.accepts(processing.hints());
	}

	@Test
	void memoryStoreWithScheduledRefreshRunsFromGeneratedCode() {
		List<String> properties = with(REGISTRATION, "oauth-callback.store.type=memory",
				"oauth-callback.refresh.scheduled.enabled=true");
		processAndRun(properties, properties, (context) -> {
			assertThat(context.getBean(OAuth2AuthorizedClientService.class)).isInstanceOf(InMemoryTokenStore.class);
			assertThat(context.getBean(ScheduledTokenRefresher.class)).isNotNull();
			assertThat(context.getBeanNamesForType(RestClient.class)).isEmpty();
		});
	}

	/** The JDBC store creates its table at run time, from the SQL script the starter ships. */
	@Test
	void jdbcStoreRunsFromGeneratedCode() {
		List<String> common = with(REGISTRATION, "oauth-callback.store.type=jdbc",
				"oauth-callback.store.jdbc.initialize-schema=always", "spring.datasource.username=sa",
				"spring.datasource.password=");
		processAndRun(with(common, "spring.datasource.url=jdbc:h2:mem:aot-build;DB_CLOSE_DELAY=-1"),
				with(common, "spring.datasource.url=jdbc:h2:mem:aot-run;DB_CLOSE_DELAY=-1"), (context) -> {
					TokenStore store = context.getBean(JdbcTokenStore.class);
					assertThat(store.location()).contains("aot-run");
					saveLogin(context, store);
					assertThat(store.logins()).extracting(StoredLogin::account).containsExactly("ada");
				});
	}

	/**
	 * Which declared clients exist is fixed when the application is built: one missing at run time is reported with
	 * what to do, rather than started without its settings.
	 */
	@Test
	void aDeclaredClientMissingAtRunTimeIsReported() {
		List<String> run = with(REGISTRATION, "oauth-callback.store.type=memory",
				"oauth-callback.clients.api.registration=demo");
		assertThatException()
			.isThrownBy(() -> processAndRun(with(run, "oauth-callback.clients.gone.registration=demo"), run,
					(context) -> {
					}))
			.havingRootCause()
			.isInstanceOf(InvalidConfigurationPropertyValueException.class)
			.withMessageContaining("oauth-callback.clients.gone.registration")
			.withMessageContaining("built ahead of time (Spring AOT) with the declared client 'gone'");
	}

	private void saveLogin(GenericApplicationContext context, TokenStore store) {
		ClientRegistrationRepository registrations = context.getBean(ClientRegistrationRepository.class);
		Instant now = Instant.now();
		store.saveAuthorizedClient(new OAuth2AuthorizedClient(registrations.findByRegistrationId("demo"), "ada",
				new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at-aot", now, now.plusSeconds(3600),
						Set.of("profile"))),
				Accounts.principal("ada"));
	}

	/**
	 * Processes a context of the starter's auto-configurations with the build's properties, compiles the generated
	 * code and starts a context from it with the run's properties.
	 */
	private AotProcessing processAndRun(List<String> build, List<String> run,
			Consumer<GenericApplicationContext> assertions) {
		AnnotationConfigApplicationContext buildContext = new AnnotationConfigApplicationContext();
		TestPropertyValues.of(build).applyTo(buildContext);
		buildContext.registerBean(Starter.class);
		AotProcessing processing;
		try {
			processing = AotProcessing.of(buildContext, this.folder.resolve("aot"));
		}
		finally {
			buildContext.close();
		}
		try (GenericApplicationContext runContext = new GenericApplicationContext()) {
			TestPropertyValues.of(run).applyTo(runContext);
			processing.initialize(runContext);
			runContext.refresh();
			assertions.accept(runContext);
		}
		return processing;
	}

	private static List<String> with(String[] properties, String... more) {
		return with(List.of(properties), more);
	}

	private static List<String> with(List<String> properties, String... more) {
		List<String> all = new ArrayList<>(properties);
		all.addAll(List.of(more));
		return all;
	}

	private static String key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	/** Every auto-configuration of the starter, with the ones of Spring Boot it works with. */
	@ImportAutoConfiguration({ OAuth2ClientAutoConfiguration.class, RestClientAutoConfiguration.class,
			DataSourceAutoConfiguration.class, OAuthCallbackDiscoveryAutoConfiguration.class,
			OAuthCallbackMcpRegistrationsAutoConfiguration.class, OAuthCallbackStoreAutoConfiguration.class,
			OAuthCallbackLoginAutoConfiguration.class, OAuthCallbackClientManagerAutoConfiguration.class,
			OAuthCallbackRestClientAutoConfiguration.class, OAuthCallbackScheduledRefreshAutoConfiguration.class,
			OAuthCallbackShellAutoConfiguration.class, OAuthCallbackMcpAutoConfiguration.class })
	static class Starter {

	}

}
