package io.github.oauthcallback.shell;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashSet;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.github.oauthcallback.autoconfigure.OAuthCallbackAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackShellAutoConfiguration;
import io.github.oauthcallback.autoconfigure.OAuthCallbackStoreAutoConfiguration;
import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.support.CallbackBrowser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.shell.core.NonInteractiveShellRunner;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;
import org.springframework.shell.core.command.DefaultCommandParser;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Spring Shell commands, run through Spring Shell's own parser and non-interactive runner.
 */
class ShellCommandsTests {

	private WireMockServer wireMock;

	@BeforeEach
	void start() {
		this.wireMock = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
		this.wireMock.start();
		this.wireMock.stubFor(post(urlEqualTo("/token"))
			.willReturn(okJson("{\"access_token\":\"AT-SHELL\",\"token_type\":\"Bearer\",\"expires_in\":3600,"
					+ "\"scope\":\"read\"}")));
	}

	@AfterEach
	void stop() {
		this.wireMock.stop();
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(OAuth2ClientAutoConfiguration.class,
					OAuthCallbackStoreAutoConfiguration.class, OAuthCallbackAutoConfiguration.class,
					OAuthCallbackShellAutoConfiguration.class))
			.withBean(BrowserLauncher.class, () -> new CallbackBrowser("code-shell"))
			.withPropertyValues("spring.security.oauth2.client.registration.api.client-id=cli",
					"spring.security.oauth2.client.registration.api.authorization-grant-type=authorization_code",
					"spring.security.oauth2.client.registration.api.client-authentication-method=none",
					"spring.security.oauth2.client.registration.api.redirect-uri=http://127.0.0.1/callback",
					"spring.security.oauth2.client.registration.api.scope=read",
					"spring.security.oauth2.client.registration.api.provider=stub",
					"spring.security.oauth2.client.provider.stub.authorization-uri=" + this.wireMock.baseUrl()
							+ "/authorize",
					"spring.security.oauth2.client.provider.stub.token-uri=" + this.wireMock.baseUrl() + "/token",
					"oauth-callback.store.type=memory", "oauth-callback.account=ada");
	}

	private static String run(AssertableApplicationContext context, String... line) throws Exception {
		CommandRegistry registry = new CommandRegistry(new HashSet<>(context.getBeansOfType(Command.class).values()));
		StringWriter out = new StringWriter();
		new NonInteractiveShellRunner(new DefaultCommandParser(registry), registry, new PrintWriter(out)).run(line);
		return out.toString();
	}

	@Test
	void loginStatusAndLogout() {
		runner().run((context) -> {
			assertThat(context.getBeansOfType(Command.class)).containsOnlyKeys("oauthCallbackLoginCommand",
					"oauthCallbackLogoutCommand", "oauthCallbackStatusCommand");
			assertThat(run(context, "status")).contains("Store: memory", "(0 login(s))");
			assertThat(run(context, "login")).contains("Logged in to 'api' as account 'ada': scopes read")
				.doesNotContain("AT-SHELL");
			assertThat(run(context, "login", "api", "--account", "bob")).contains("as account 'bob'");
			assertThat(run(context, "status")).contains("(2 login(s))", "api / ada: scopes read", "api / bob")
				.doesNotContain("AT-SHELL");
			assertThat(run(context, "logout", "--account", "bob")).contains("Removed the login of 'api' for account 'bob'");
			assertThat(run(context, "logout", "nosuch")).contains("No login of 'nosuch' is stored");
			assertThat(run(context, "logout", "--all")).contains("Removed 1 stored login(s)", "api / ada");
			assertThat(run(context, "status")).contains("(0 login(s))");
		});
	}

	@Test
	void canBeTurnedOff() {
		runner().withPropertyValues("oauth-callback.shell.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(Command.class));
	}

}
