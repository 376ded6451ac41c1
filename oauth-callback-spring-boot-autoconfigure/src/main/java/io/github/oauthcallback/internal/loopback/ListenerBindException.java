package io.github.oauthcallback.internal.loopback;

import io.github.oauthcallback.OAuthCallbackException;
import java.util.List;

/**
 * The loopback listener could not bind any of the ports it was allowed to use.
 */
public class ListenerBindException extends OAuthCallbackException {

	private static final long serialVersionUID = 1L;

	private final List<Integer> ports;

	public ListenerBindException(String message, List<Integer> ports, Throwable cause) {
		super(message, cause);
		this.ports = List.copyOf(ports);
	}

	/**
	 * @return the ports that were tried, in order ({@code 0} means an ephemeral port)
	 */
	public List<Integer> getPorts() {
		return this.ports;
	}

}
