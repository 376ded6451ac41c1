package io.github.oauthcallback.sample;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample CLI, under {@code sample}.
 *
 * @param defaultRegistration Registration used by 'login' and 'logout' when none is named. Unset means the only
 * declared registration.
 * @param demo The embedded identity provider of the 'demo' profile.
 * @param batch The batch job of the 'batch' profile.
 */
@ConfigurationProperties("sample")
public record SampleProperties(String defaultRegistration, @DefaultValue Demo demo, @DefaultValue Batch batch) {

	/**
	 * The embedded identity provider started by the 'demo' profile.
	 *
	 * @param username Name of the demo user.
	 * @param password Password of the demo user. Unset means a random one, printed at start-up.
	 * @param consent Whether the provider asks the user to approve the scopes.
	 * @param port Port of the provider on 127.0.0.1. 0 (the default) picks a free port for each run; set a fixed port
	 * to keep the same issuer URI from one run to the next.
	 * @param issuerUri Issuer URI of the running provider. Set by the sample at start-up; not meant to be set by hand.
	 */
	public record Demo(@DefaultValue("demo") String username, String password, boolean consent,
			@DefaultValue("0") int port, String issuerUri) {

	}

	/**
	 * The batch job of the 'batch' profile: it calls one API with the stored (or refreshed) token, logging in on its
	 * first run when it may open a browser.
	 *
	 * @param registration Registration whose token the job sends. Defaults to sample.default-registration.
	 * @param url URL the job calls with GET.
	 * @param runs How many times the job calls it.
	 * @param interval Pause between two calls.
	 */
	public record Batch(String registration, String url, @DefaultValue("1") int runs,
			@DefaultValue("0s") java.time.Duration interval) {

	}

}
