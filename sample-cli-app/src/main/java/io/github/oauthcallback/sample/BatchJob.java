package io.github.oauthcallback.sample;

import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.client.OAuthCallbackRestClients;

import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The 'batch' profile's job: calls {@code sample.batch.url} {@code sample.batch.runs} times with the token of
 * {@code sample.batch.registration}. The first call of the first run logs in when this run may open a browser
 * ({@code oauth-callback.login.interactive}); every later call uses the stored token, refreshed when it expires. Without a
 * stored login and without a browser, the job fails at once with the command to run (exit status 1).
 */
@Component
@Profile("batch")
public class BatchJob implements CommandLineRunner, ExitCodeGenerator {

	private final OAuthCallbackRestClients clients;

	private final SampleProperties properties;

	private volatile int exitCode;

	public BatchJob(OAuthCallbackRestClients clients, SampleProperties properties) {
		this.clients = clients;
		this.properties = properties;
	}

	@Override
	public void run(String... args) throws InterruptedException {
		SampleProperties.Batch batch = this.properties.batch();
		String registration = StringUtils.hasText(batch.registration()) ? batch.registration()
				: this.properties.defaultRegistration();
		if (!StringUtils.hasText(batch.url()) || !StringUtils.hasText(registration)) {
			System.err.println("The batch job needs sample.batch.url and sample.batch.registration (or "
					+ "sample.default-registration).");
			this.exitCode = SampleCommands.FAILED;
			return;
		}
		RestClient api = RestClient.builder().apply(this.clients.client(registration)).build();
		for (int run = 1; run <= batch.runs(); run++) {
			try {
				String body = api.get().uri(batch.url()).retrieve().body(String.class);
				System.out.println("Run " + run + ": " + body);
			}
			catch (OAuthCallbackException ex) {
				System.err.println(ex.getMessage());
				this.exitCode = SampleCommands.FAILED;
				return;
			}
			catch (RestClientResponseException ex) {
				System.err.println("Run " + run + ": the API answered HTTP " + ex.getStatusCode().value());
				this.exitCode = SampleCommands.FAILED;
				return;
			}
			if (run < batch.runs() && !batch.interval().isZero()) {
				Thread.sleep(batch.interval().toMillis());
			}
		}
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
