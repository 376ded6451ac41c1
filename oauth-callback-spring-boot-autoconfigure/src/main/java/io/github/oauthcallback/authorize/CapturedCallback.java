package io.github.oauthcallback.authorize;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.github.oauthcallback.internal.SafeText;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of an authorization response that passed the listener's checks ({@link LoopbackCodeCapture}), and
 * the redirect URI it came to, which the token request must repeat. The code is a credential until it is exchanged:
 * {@link #toString()} shows only the redirect URI and the parameters' names, never a value (the code, the state, or
 * text the provider chose).
 */
public final class CapturedCallback {

	private final URI redirectUri;

	private final Map<String, List<String>> parameters;

	/**
	 * @param redirectUri the redirect URI the response came to
	 * @param parameters every parameter of the response, with its values in order; must hold exactly one non-empty
	 * {@code code} and {@code state}
	 * @throws IllegalArgumentException if the code or the state is missing or repeated
	 */
	public CapturedCallback(URI redirectUri, Map<String, List<String>> parameters) {
		this.redirectUri = Objects.requireNonNull(redirectUri, "redirectUri must not be null");
		Map<String, List<String>> copy = new LinkedHashMap<>();
		Objects.requireNonNull(parameters, "parameters must not be null")
			.forEach((name, values) -> copy.put(name, List.copyOf(values)));
		this.parameters = Collections.unmodifiableMap(copy);
		for (String name : List.of("code", "state")) {
			List<String> values = this.parameters.getOrDefault(name, List.of());
			if (values.size() != 1 || values.get(0).isEmpty()) {
				throw new IllegalArgumentException("An authorization response must carry exactly one non-empty '"
						+ name + "' (found " + values.size() + " values)");
			}
		}
	}

	/**
	 * @return the redirect URI the response came to: send exactly this {@code redirect_uri} on the token request
	 */
	public URI redirectUri() {
		return this.redirectUri;
	}

	/**
	 * @return the authorization code; never log it
	 */
	public String code() {
		return this.parameters.get("code").get(0);
	}

	/**
	 * @return the {@code state}, equal to the one of the authorization URL
	 */
	public String state() {
		return this.parameters.get("state").get(0);
	}

	/**
	 * @return the {@code iss} of the response (RFC 9207), or {@code null} if it carried none; checked only when the
	 * capture was given an expected issuer
	 */
	public @Nullable String issuer() {
		return parameter("iss");
	}

	/**
	 * @param name a parameter's name
	 * @return its first value, or {@code null} if the response did not carry it
	 */
	public @Nullable String parameter(String name) {
		List<String> values = this.parameters.get(name);
		return (values == null || values.isEmpty()) ? null : values.get(0);
	}

	/**
	 * @return every parameter of the response (code, state, iss, and any other the provider sent, such as
	 * {@code session_state}), with its values in order; unmodifiable
	 */
	public Map<String, List<String>> parameters() {
		return this.parameters;
	}

	@Override
	public String toString() {
		return "CapturedCallback[redirectUri=" + this.redirectUri + ", parameters=" + SafeText.names(this.parameters.keySet())
				+ "]";
	}

}
