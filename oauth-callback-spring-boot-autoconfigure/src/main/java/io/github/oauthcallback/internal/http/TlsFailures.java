package io.github.oauthcallback.internal.http;

import javax.net.ssl.SSLHandshakeException;

import io.github.oauthcallback.internal.Causes;
import org.jspecify.annotations.Nullable;

/**
 * What to tell a user whose provider call failed in the TLS handshake: most often the provider's certificate is
 * issued by a company (or other private) CA that the JVM does not trust. Spring Boot trusts such a CA for the
 * starter's provider calls through an SSL bundle named by {@code spring.http.clients.ssl.bundle}.
 */
public final class TlsFailures {

	private TlsFailures() {
	}

	/**
	 * @param failure a failed provider call, with its causes
	 * @return a sentence (starting with a space) saying what to do, or an empty string when the failure is not a TLS
	 * handshake failure
	 */
	public static String hint(@Nullable Throwable failure) {
		Throwable handshake = Causes.first(failure, SSLHandshakeException.class::isInstance);
		if (handshake == null) {
			return "";
		}
		return " The TLS handshake failed (" + handshake.getClass().getSimpleName() + "): if the provider's certificate"
				+ " comes from a CA this JVM does not trust (a company CA), put that CA in an SSL bundle"
				+ " (spring.ssl.bundle.pem.<name>.truststore.certificate) and name it in spring.http.clients.ssl.bundle.";
	}

}
