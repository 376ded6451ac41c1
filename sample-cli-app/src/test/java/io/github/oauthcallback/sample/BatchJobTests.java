package io.github.oauthcallback.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'batch' profile: a job that authorizes on its first call when it may, and otherwise fails fast.
 */
@ExtendWith(OutputCaptureExtension.class)
class BatchJobTests {

	@Test
	void firstCallLogsInAndLaterCallsUseTheStoredToken(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application(DemoLoginTests.PlayTheUser.class)
			.run("--spring.profiles.active=demo,batch", "--oauth-callback.login.interactive=always", "--sample.batch.runs=3",
					"--oauth-callback.login.account=batch-tester");
		BrowserUser user = context.getBean(BrowserUser.class);
		assertThat(context.getBeansOfType(SampleCommands.class)).isEmpty();
		assertThat(SpringApplication.exit(context)).isZero();
		assertThat(user.failure()).isNull();
		assertThat(user.pagesSeen()).as("one login for three calls").containsExactly("login", "callback");
		assertThat(output.getOut()).contains("Run 1: {", "Run 2: {", "Run 3: {", "\"sub\":\"demo\"");
	}

	@Test
	void withoutAStoredLoginAndWithoutABrowserItFailsFastWithTheCommandToRun(CapturedOutput output) {
		ConfigurableApplicationContext context = SampleApplication.application()
			.run("--spring.profiles.active=demo,batch", "--oauth-callback.login.interactive=never",
					"--oauth-callback.login.account=batch-tester");
		assertThat(SpringApplication.exit(context)).isEqualTo(SampleCommands.FAILED);
		assertThat(output.getErr()).contains("Registration 'demo' needs a new login for account 'batch-tester': no "
				+ "login is stored", "java -jar sample-cli-app.jar login demo");
		assertThat(output.getOut()).doesNotContain("Run 1:");
	}

}
