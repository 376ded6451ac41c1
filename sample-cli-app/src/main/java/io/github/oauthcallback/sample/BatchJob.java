package io.github.oauthcallback.sample;

import java.util.List;
import java.util.stream.StreamSupport;

import io.github.oauthcallback.OAuthCallbackException;
import io.github.oauthcallback.client.OAuthCallbackRestClients;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.context.annotation.Profile;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The job of the 'batch' and 'service' profiles: calls {@code sample.batch.url} {@code sample.batch.runs} times with
 * the token of {@link #registration() its registration}.
 * <ul>
 * <li>'batch', with a user's registration: the first call of the first run logs in when this run may open a browser
 * ({@code oauth-callback.login.interactive}); every later call uses the stored token, refreshed when it expires.
 * Without a stored login and without a browser, the job fails at once with the command to run (exit status 1).</li>
 * <li>'service', with a client-credentials registration ('demo-service'): the token comes from the provider's token
 * endpoint with the client's own secret, with no user and no browser, and is fetched again when it expires.</li>
 * </ul>
 */
@Component
@Profile("batch | service")
public class BatchJob implements CommandLineRunner, ExitCodeGenerator {

	private final OAuthCallbackRestClients clients;

	private final ObjectProvider<ClientRegistrationRepository> registrations;

	private final SampleProperties properties;

	private volatile int exitCode;

	public BatchJob(OAuthCallbackRestClients clients, ObjectProvider<ClientRegistrationRepository> registrations,
			SampleProperties properties) {
		this.clients = clients;
		this.registrations = registrations;
		this.properties = properties;
	}

	@Override
	public void run(String... args) throws InterruptedException {
		SampleProperties.Batch batch = this.properties.batch();
		String registration = registration();
		if (registration == null) {
			System.err.println("The batch job does not know which registration's token to send: set "
					+ "sample.batch.registration (or sample.default-registration) to one of the declared registrations ("
					+ String.join(", ", declared()) + ").");
			this.exitCode = SampleCommands.FAILED;
			return;
		}
		if (!StringUtils.hasText(batch.url())) {
			System.err.println("The batch job needs the URL to call: set sample.batch.url.");
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

	/**
	 * The registration whose token the job sends: {@code sample.batch.registration}, else
	 * {@code sample.default-registration} ('demo' in the demo profile), else the only declared registration.
	 * @return the registration id, or {@code null} when none of these gives one
	 */
	@Nullable String registration() {
		if (StringUtils.hasText(this.properties.batch().registration())) {
			return this.properties.batch().registration();
		}
		if (StringUtils.hasText(this.properties.defaultRegistration())) {
			return this.properties.defaultRegistration();
		}
		List<String> declared = declared();
		return (declared.size() == 1) ? declared.get(0) : null;
	}

	private List<String> declared() {
		ClientRegistrationRepository repository = this.registrations.getIfAvailable();
		return (repository instanceof Iterable<?> iterable) ? StreamSupport.stream(iterable.spliterator(), false)
			.filter(ClientRegistration.class::isInstance)
			.map((registration) -> ((ClientRegistration) registration).getRegistrationId())
			.sorted()
			.toList() : List.of();
	}

	@Override
	public int getExitCode() {
		return this.exitCode;
	}

}
