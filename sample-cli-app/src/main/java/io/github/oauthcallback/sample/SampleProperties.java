package io.github.oauthcallback.sample;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the sample CLI, under {@code sample}.
 *
 * @param defaultRegistration Registration used by 'login' and 'logout' when none is named. Unset means the only
 * declared registration.
 * @param demo The embedded identity provider of the 'demo' profile.
 * @param batch The batch job of the 'batch' and 'service' profiles.
 * @param watch The long-lived process of the 'watch' profile.
 */
@ConfigurationProperties("sample")
public record SampleProperties(@Nullable String defaultRegistration, @DefaultValue Demo demo,
		@DefaultValue Batch batch, @DefaultValue Watch watch) {

	/**
	 * The embedded identity provider started by the 'demo' profile.
	 *
	 * @param username Name of the demo user.
	 * @param password Password of the demo user. Unset means a random one, printed at start-up.
	 * @param consent Whether the provider asks the user to approve the scopes.
	 * @param port Port of the provider on 127.0.0.1. 0 (the default) picks a free port for each run; set a fixed port
	 * to keep the same issuer URI from one run to the next.
	 * @param issuerUri Issuer URI of the running provider. Set by the sample at start-up; not meant to be set by hand.
	 * @param serviceClientSecret Secret of the provider's confidential client 'demo-service' (the 'service' profile's
	 * client credentials), generated for each run. Set by the sample at start-up; never printed.
	 */
	public record Demo(@DefaultValue("demo") String username, @Nullable String password, boolean consent,
			@DefaultValue("0") int port, @Nullable String issuerUri, @Nullable String serviceClientSecret) {

		@Override
		public String toString() {
			// Neither the password nor the client secret.
			return "Demo[username=" + this.username + ", port=" + this.port + ", issuerUri=" + this.issuerUri + "]";
		}

	}

	/**
	 * The batch job of the 'batch' profile (it calls one API with the stored or refreshed token, logging in on its
	 * first run when it may open a browser) and of the 'service' profile (the same job with a client-credentials
	 * registration: no user, no browser).
	 *
	 * @param registration Registration whose token the job sends. Unset means sample.default-registration ('demo'
	 * in the demo profile), else the only declared registration; with several and neither property set, the job
	 * stops and lists them. The 'service' profile sets 'demo-service'.
	 * @param url URL the job calls with GET.
	 * @param runs How many times the job calls it.
	 * @param interval Pause between two calls.
	 */
	public record Batch(@Nullable String registration, @Nullable String url, @DefaultValue("1") int runs,
			@DefaultValue("0s") Duration interval) {

	}

	/**
	 * The 'watch' profile: a long-lived process in which the starter's scheduled refresh keeps the stored logins fresh
	 * and the sample prints each refresh (never a token).
	 *
	 * @param registration Registration to log in to first when no login of it is stored (through the browser, or on
	 * any device for a device-grant registration). Unset means none: only the logins already stored are watched.
	 * @param duration How long the process runs before it stops by itself. 0 (the default) means until Ctrl-C.
	 */
	public record Watch(@Nullable String registration, @DefaultValue("0s") Duration duration) {

	}

}
