package io.github.oauthcallback.sample;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.oauthcallback.browser.BrowserLauncher;
import io.github.oauthcallback.sample.demo.DemoIdentityProvider;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.TestThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 'watch' profile against the demo provider: the run logs in with the device grant (the demo's login with a
 * refresh token), the starter's scheduled refresh refreshes it every second here, the runner prints each refresh
 * without a token, and closing the application context (what Ctrl-C does, through the JVM's shutdown hook) ends it.
 */
@ExtendWith(OutputCaptureExtension.class)
class WatchProfileTests {

	private static final String ACCOUNT = "watch-tester";

	private static final Pattern REFRESHED = Pattern
		.compile("\\d\\d:\\d\\d:\\d\\d Refreshed 'demo-device' for account '" + ACCOUNT + "': scopes profile, expires ");

	@Test
	void printsEachScheduledRefreshUntilTheApplicationIsClosed(@TempDir Path dir, CapturedOutput output)
			throws Exception {
		AtomicReference<ConfigurableApplicationContext> started = new AtomicReference<>();
		SpringApplication application = SampleApplication.application(ApproveTheDevice.class);
		application.addListeners((ApplicationListener<ApplicationStartedEvent>) (event) -> started
			.set(event.getApplicationContext()));
		CompletableFuture<ConfigurableApplicationContext> run = CompletableFuture.supplyAsync(
				() -> application.run("--spring.profiles.active=demo,watch", "--sample.watch.registration=demo-device",
						"--oauth-callback.refresh.scheduled.interval=1s", "--oauth-callback.login.timeout=60s",
						"--oauth-callback.store.file.path=" + dir.resolve("tokens.json"),
						"--oauth-callback.login.account=" + ACCOUNT),
				TestThreads.POOL);
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (refreshes(output.getOut()) < 2 && !run.isDone() && System.nanoTime() < deadline) {
			Thread.sleep(100);
		}
		assertThat(run).as("still watching").isNotDone();
		ConfigurableApplicationContext context = started.get();
		OAuth2AuthorizedClient latest = context.getBean(OAuth2AuthorizedClientService.class)
			.loadAuthorizedClient("demo-device", ACCOUNT);
		List<Throwable> approvals = context.getBean(ApproveTheDevice.class).failures;
		context.close();
		run.get(30, TimeUnit.SECONDS);

		assertThat(approvals).isEmpty();
		assertThat(refreshes(output.getOut())).isGreaterThanOrEqualTo(2);
		assertThat(output.getOut()).contains("Logged in to 'demo-device' for account '" + ACCOUNT + "'.",
				"Watching 1 stored login in " + dir.resolve("tokens.json")
						+ ": scheduled refresh every 1 s of the tokens expiring within 5 min. Ctrl-C stops.",
				"  'demo-device' for account '" + ACCOUNT + "': scopes profile, expires ",
				"Stopped: the application is shutting down (Ctrl-C or another stop signal).");
		assertThat(latest).isNotNull();
		assertThat(latest.getRefreshToken()).isNotNull();
		assertThat(output.toString()).doesNotContain(latest.getAccessToken().getTokenValue(),
				latest.getRefreshToken().getTokenValue());
	}

	private static int refreshes(String out) {
		int count = 0;
		for (Matcher matcher = REFRESHED.matcher(out); matcher.find();) {
			count++;
		}
		return count;
	}

	/** Not a {@code @Configuration}: approves the device login at the page the sample opens, as its user. */
	public static class ApproveTheDevice {

		final List<Throwable> failures = new CopyOnWriteArrayList<>();

		@Bean
		BrowserLauncher approvingDevice(DemoIdentityProvider provider) {
			return (uri) -> DeviceApprover.approveLater(uri, provider.username(), provider.password(), this.failures);
		}

	}

}
