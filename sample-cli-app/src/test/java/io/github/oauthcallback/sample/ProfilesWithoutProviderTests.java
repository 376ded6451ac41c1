package io.github.oauthcallback.sample;

import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.shell.core.ShellRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The profiles' wiring and failures that need no identity provider: a provider declared on the command line (no
 * network), as in {@link CommandLineTests}.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProfilesWithoutProviderTests {

	private static final String REGISTRATION = "--spring.security.oauth2.client.registration.";

	private static final String PROVIDER = "--spring.security.oauth2.client.provider.acme.";

	/** One public client 'acme' of a provider that is never called. */
	private static String[] acme(String profiles, String... more) {
		List<String> args = new ArrayList<>(List.of("--spring.profiles.active=" + profiles,
				REGISTRATION + "acme.client-id=acme-cli", REGISTRATION + "acme.client-authentication-method=none",
				REGISTRATION + "acme.authorization-grant-type=authorization_code",
				REGISTRATION + "acme.redirect-uri=http://127.0.0.1/callback", REGISTRATION + "acme.provider=acme",
				PROVIDER + "authorization-uri=https://idp.example/authorize",
				PROVIDER + "token-uri=https://idp.example/token", "--oauth-callback.login.account=someone"));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	/** A second registration 'zeta' at the same provider. */
	private static final String[] ZETA = { REGISTRATION + "zeta.client-id=zeta-cli",
			REGISTRATION + "zeta.client-authentication-method=none",
			REGISTRATION + "zeta.authorization-grant-type=authorization_code",
			REGISTRATION + "zeta.redirect-uri=http://127.0.0.1/callback", REGISTRATION + "zeta.provider=acme" };

	@Test
	void outsideTheirProfilesSpringShellAndTheDataSourceAreOff(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SampleApplication.application().run(acme("test", "status"))) {
			assertThat(context.getBean(SampleCommands.class).getExitCode()).isZero();
			assertThat(context.getBeansOfType(ShellRunner.class)).isEmpty();
			assertThat(context.getBeansOfType(DataSource.class)).isEmpty();
			assertThat(context.getBeansOfType(WatchRunner.class)).isEmpty();
			assertThat(context.getBeansOfType(BatchJob.class)).isEmpty();
		}
	}

	@Test
	void theProfilesThatRunSomethingElseNeedNoCommandWord() {
		for (String profiles : List.of("demo,batch", "demo,service", "demo,shell", "demo,watch", "shell")) {
			assertThat(SampleApplication.withoutCommand(new String[] { "--spring.profiles.active=" + profiles }))
				.as(profiles)
				.isTrue();
		}
		for (String profiles : List.of("demo", "demo,clients", "jdbc", "demo,jdbc")) {
			assertThat(SampleApplication.withoutCommand(new String[] { "--spring.profiles.active=" + profiles, "status" }))
				.as(profiles)
				.isFalse();
		}
	}

	@Test
	void whoamiOutsideTheClientsProfileSaysHowToRunIt(CapturedOutput output) {
		try (ConfigurableApplicationContext context = SampleApplication.application().run(acme("test", "whoami"))) {
			assertThat(context.getBean(SampleCommands.class).getExitCode()).isEqualTo(SampleCommands.FAILED);
			assertThat(output.getErr()).contains("'whoami' uses the RestClient declared under oauth-callback.clients."
					+ "userinfo: run it with the clients profile");
		}
	}

	/** Outside the demo profile nothing sets sample.default-registration: the only registration is used. */
	@Test
	void batchJobWithoutADefaultRegistrationUsesTheOnlyDeclaredOne(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run(acme("batch", "--sample.batch.url=https://api.example/me", "--oauth-callback.login.interactive=never"));
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("Registration 'acme' needs a new login for account 'someone'");
	}

	@Test
	void batchJobWithSeveralRegistrationsAndNoDefaultStopsAndListsThem(CapturedOutput output) {
		List<String> args = new ArrayList<>(List.of(acme("batch", "--sample.batch.url=https://api.example/me")));
		args.addAll(List.of(ZETA));
		ConfigurableApplicationContext context = SampleApplication.application().run(args.toArray(String[]::new));
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("The batch job does not know which registration's token to send: set "
				+ "sample.batch.registration (or sample.default-registration) to one of the declared registrations "
				+ "(acme, zeta).");
		assertThat(output.getOut()).doesNotContain("Run 1:");
	}

	@Test
	void watchWithoutScheduledRefreshSaysSo(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run(acme("watch", "--oauth-callback.refresh.scheduled.enabled=false"));
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("the watch profile needs oauth-callback.refresh.scheduled.enabled=true");
	}

	@Test
	void watchStopsByItselfAfterTheConfiguredDuration(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run(acme("watch", "--sample.watch.duration=2s"));
		assertThat(SpringApplication.exit(context)).isZero();
		assertThat(output.getOut()).contains("Watching 0 stored logins in ", "scheduled refresh every 30 s",
				"Stops in 2 s (sample.watch.duration) or on Ctrl-C.", "Stopped after 2 s (sample.watch.duration).");
	}

}
