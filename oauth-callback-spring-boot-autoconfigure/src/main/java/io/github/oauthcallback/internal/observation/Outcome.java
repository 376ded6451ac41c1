package io.github.oauthcallback.internal.observation;

/**
 * How an observed piece of work ended: the value of the {@code oauth.callback.outcome} tag.
 */
public enum Outcome {

	/** It did what it was asked. */
	SUCCESS("success"),

	/** The provider answered with an OAuth error (see the error tag), or refused the login. */
	ERROR_RESPONSE("error_response"),

	/** The request never reached the provider (connection refused, unknown host, TLS handshake). */
	UNREACHABLE("unreachable"),

	/** No answer in time: a read timeout, or a login the user did not finish before its timeout. */
	TIMEOUT("timeout"),

	/** The connection failed after the request was sent. */
	IO_FAILURE("io_failure"),

	/** The caller cancelled it (a cancelled future, an interrupt, the user stopped the login). */
	CANCELLED("cancelled"),

	/** Anything else. */
	FAILURE("failure");

	private final String value;

	Outcome(String value) {
		this.value = value;
	}

	/**
	 * @return the tag value
	 */
	public String value() {
		return this.value;
	}

}
