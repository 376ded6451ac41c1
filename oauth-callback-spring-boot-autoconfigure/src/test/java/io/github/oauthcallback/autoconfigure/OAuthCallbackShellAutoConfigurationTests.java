package io.github.oauthcallback.autoconfigure;

import io.github.oauthcallback.support.UnusedLoopbackAuthorizer;

import io.github.oauthcallback.authorize.LoopbackAuthorizer;
import io.github.oauthcallback.client.OAuthCallbackAuthorizedClientManager;
import io.github.oauthcallback.internal.shell.OAuthCallbackShellCommands;
import io.github.oauthcallback.store.InMemoryTokenStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import io.github.oauthcallback.internal.store.keychain.CredentialStore;
import io.github.oauthcallback.internal.store.keychain.Keychains;
import io.github.oauthcallback.support.SecretServiceSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.security.oauth2.jwt.JwtDecoderFactory;
import org.springframework.shell.core.InputReader;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandContext;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.ParsedInput;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link OAuthCallbackShellAutoConfiguration}: the {@code login}, {@code logout} and {@code status} commands when
 * Spring Shell is there, each replaceable by a bean of the same name, and none when turned off, without Spring Shell
 * or without the starter's login. (What the commands do is {@code ShellCommandsTests}.)
 */
class OAuthCallbackShellAutoConfigurationTests {

	private static final String[] COMMANDS = { "oauthCallbackLoginCommand", "oauthCallbackLogoutCommand",
			"oauthCallbackStatusCommand" };

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
				OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackLoginAutoConfiguration.class,
				OAuthCallbackShellAutoConfiguration.class))
		.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
				"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
				"spring.security.oauth2.client.registration.api.client-authentication-method=none",
				"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
				"spring.security.oauth2.client.registration.api.provider=stub",
				"spring.security.oauth2.client.provider.stub.authorization-uri=http://127.0.0.1:9/authorize",
				"spring.security.oauth2.client.provider.stub.token-uri=http://127.0.0.1:9/token",
				"oauth-callback.store.type=memory");

	@Test
	void commandsByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(OAuthCallbackShellCommands.class);
			assertThat(context.getBeanNamesForType(Command.class)).containsExactlyInAnyOrder(COMMANDS);
		});
	}

	@Test
	void theCommandsGoThroughTheStartersClientManagerWhenThereIsOne() {
		this.runner.withConfiguration(AutoConfigurations.of(OAuthCallbackClientManagerAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(OAuthCallbackAuthorizedClientManager.class);
				assertThat(context.getBeanNamesForType(Command.class)).containsExactlyInAnyOrder(COMMANDS);
			});
	}

	@Test
	void theCommandsBackOffForCommandsOfTheApplication() {
		LoopbackAuthorizer authorizer = new UnusedLoopbackAuthorizer();
		OAuthCallbackShellCommands mine = new OAuthCallbackShellCommands(authorizer, (id) -> null,
				new InMemoryTokenStore(), "ada");
		this.runner.withBean("myCommands", OAuthCallbackShellCommands.class, () -> mine).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("oauthCallbackShellCommands");
			assertThat(context.getBean(OAuthCallbackShellCommands.class)).isSameAs(mine);
			assertThat(context.getBeanNamesForType(Command.class)).containsExactlyInAnyOrder(COMMANDS);
		});
	}

	@Test
	void eachCommandBacksOffForABeanOfItsName() {
		for (String name : COMMANDS) {
			Command mine = Command.builder().name("mine").execute((context) -> "mine");
			this.runner.withBean(name, Command.class, () -> mine).run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(name)).isSameAs(mine);
				assertThat(context.getBeanNamesForType(Command.class)).containsExactlyInAnyOrder(COMMANDS);
			});
		}
	}

	/** Was {@code ShellCommandsTests.canBeTurnedOff}. */
	@Test
	void canBeTurnedOff() {
		this.runner.withPropertyValues("oauth-callback.shell.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Command.class));
	}

	@Test
	void nothingWithoutSpringShell() {
		this.runner.withClassLoader(new FilteredClassLoader(Command.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackShellCommands.class)
				.doesNotHaveBean(Command.class));
	}

	@Test
	void nothingWithoutTheStartersLogin() {
		this.runner.withClassLoader(new FilteredClassLoader(JwtDecoderFactory.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(OAuthCallbackShellCommands.class)
				.doesNotHaveBean(Command.class));
	}


	@Test
	void statusSaysWhereTheStoresKeyLives(@TempDir Path dir) {
		String key = java.util.Base64.getEncoder().encodeToString(new byte[32]);
		this.runner.withPropertyValues("oauth-callback.store.type=file",
				"oauth-callback.store.file.path=" + dir.resolve("tokens.json"), "oauth-callback.store.encryption.key=" + key)
			.run((context) -> assertThat(status(context)).contains("Store: " + dir.resolve("tokens.json"))
				.contains("Key: property oauth-callback.store.encryption.key")
				.doesNotContain(key));
		this.runner.withPropertyValues("oauth-callback.store.type=file",
				"oauth-callback.store.file.path=" + dir.resolve("tokens.json"))
			.run((context) -> assertThat(status(context)).contains("Key: none (logins are stored as plaintext)"));
		this.runner.run((context) -> assertThat(status(context)).contains("Store: memory").doesNotContain("Key:"));
	}

	@Test
	void statusSaysTheKeyIsInTheOsKeychain(@TempDir Path dir) throws Exception {
		try (SecretServiceSession session = SecretServiceSession.start(dir.resolve("home"), true)) {
			CredentialStore keychain = Keychains.secretService("secret-tool", "oauth-callback", "shell-test",
					session.environment());
			this.runner.withBean(CredentialStore.class, () -> keychain)
				.withPropertyValues("oauth-callback.store.type=file",
						"oauth-callback.store.file.path=" + dir.resolve("tokens.json"),
						"oauth-callback.store.encryption.key-source=keychain")
				.run((context) -> assertThat(status(context)).contains(
						"Key: OS keychain (Secret Service, service 'oauth-callback', account 'shell-test')"));
		}
	}

	private static String status(org.springframework.context.ApplicationContext context) throws Exception {
		StringWriter out = new StringWriter();
		Command status = context.getBean("oauthCallbackStatusCommand", Command.class);
		status.execute(new CommandContext(ParsedInput.builder().commandName("status").build(), new CommandRegistry(),
				new PrintWriter(out), new InputReader() {
				}));
		return out.toString();
	}
}
