package io.github.oauthcallback.sample;

import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'clients' profile: {@code whoami} through the RestClient the starter declares for
 * {@code oauth-callback.clients.userinfo}, against the demo provider: the first call logs in, the second uses the
 * stored token.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClientsProfileTests {

	private static final String ACCOUNT = "clients-tester";

	@Test
	void whoamiCallsTheUserInfoEndpointThroughTheDeclaredClient(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SampleApplication.application(DemoLoginTests.PlayTheUser.class)
			.run("whoami", "--spring.profiles.active=demo,clients", "--oauth-callback.login.account=" + ACCOUNT, "--oauth-callback.login.interactive=always")) {
			SampleCommands commands = context.getBean(SampleCommands.class);
			BrowserUser user = context.getBean(BrowserUser.class);
			assertThat(context.getBean(WhoamiCommand.CLIENT_BEAN)).isInstanceOf(RestClient.class);
			assertThat(user.failure()).isNull();
			assertThat(commands.getExitCode()).isZero();
			assertThat(user.pagesSeen()).as("the declared client logged in").containsExactly("login", "callback");
			assertThat(output.getOut()).contains("HTTP 200", "\"sub\":\"demo\"");

			// The same bean again: the stored token, no new login.
			assertThat(commands.execute("whoami", "/userinfo")).isZero();
			assertThat(user.pagesSeen()).containsExactly("login", "callback");
			// A path of the provider that is not the client's API: the provider's answer, exit status 1.
			assertThat(commands.execute("whoami", "/api/whoami")).isEqualTo(SampleCommands.FAILED);
			assertThat(output.getOut()).contains("HTTP 403");
			// Only a path below the base URL: a URL or a protocol-relative one is a usage error, nothing is sent.
			for (String elsewhere : new String[] { "https://evil.example/x", "//evil.example/x", "userinfo" }) {
				assertThat(commands.execute("whoami", elsewhere)).as(elsewhere).isEqualTo(SampleCommands.USAGE);
			}
			assertThat(output.getErr()).contains("'whoami' takes a path below the client's base URL, starting with a "
					+ "single '/', as in 'whoami /userinfo' (got '//evil.example/x')");
			assertThat(user.pagesSeen()).containsExactly("login", "callback");

			OAuth2AuthorizedClient stored = context.getBean(OAuth2AuthorizedClientService.class)
				.loadAuthorizedClient("demo", ACCOUNT);
			assertThat(stored).isNotNull();
			assertThat(output.toString()).doesNotContain(stored.getAccessToken().getTokenValue());
			assertThat(context.getBean(DemoIdentityProvider.class).isRunning()).isTrue();
		}
	}

}
