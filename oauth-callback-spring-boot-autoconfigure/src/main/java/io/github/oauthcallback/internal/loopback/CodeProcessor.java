package io.github.oauthcallback.internal.loopback;

/**
 * Turns the authorization code of the genuine callback into the login's result, typically by exchanging it at the
 * token endpoint. It runs while the browser waits, so the page it sees tells the truth about the outcome.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface CodeProcessor<T> {

	/**
	 * @param code the authorization code; never log it
	 * @return the result of the login
	 * @throws Exception if the login failed; the browser is shown the error page
	 */
	T process(String code) throws Exception;

	/**
	 * Processes the whole response that passed the checks; by default its code alone.
	 * @param callback the response's code and every parameter; never log them
	 * @return the result of the login
	 * @throws Exception if the login failed; the browser is shown the error page
	 */
	default T processCallback(AuthorizationResponseCheck.Code callback) throws Exception {
		return process(callback.value());
	}

}
