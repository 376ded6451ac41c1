package io.github.oauthcallback.sample;

import java.io.PrintStream;
import java.util.List;

import io.github.oauthcallback.internal.SafeText;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientResponseException;

/**
 * The {@code whoami [path]} command of the 'clients' profile: a GET of {@code path} (default {@value #DEFAULT_PATH})
 * through the RestClient the starter declares for {@code oauth-callback.clients.userinfo} (bean
 * {@value #CLIENT_BEAN}), injected here like any bean: its base URL and the registration's token (logging in first when
 * none is stored, refreshing an expired one) come from configuration, not from this code. The path must start with a
 * single {@code /}: a URL or {@code //host/...} is refused as a usage error.
 */
@Component
@Profile("clients")
public class WhoamiCommand {

	/** The declared client's bean: {@code oauth-callback.clients.userinfo} in application-clients.yml. */
	static final String CLIENT_BEAN = "userinfoRestClient";

	/** The demo provider's OpenID Connect UserInfo endpoint, below the client's base URL. */
	static final String DEFAULT_PATH = "/userinfo";

	private final RestClient userinfo;

	public WhoamiCommand(@Qualifier(CLIENT_BEAN) RestClient userinfo) {
		this.userinfo = userinfo;
	}

	/**
	 * @param operands at most one path
	 * @param out standard output
	 * @return the exit status
	 */
	int run(List<String> operands, PrintStream out) {
		if (operands.size() > 1) {
			throw new SampleCommands.UsageException("'whoami' takes at most one path, as in 'whoami /userinfo'.");
		}
		String path = operands.isEmpty() ? DEFAULT_PATH : operands.get(0);
		if (!path.startsWith("/") || path.startsWith("//")) {
			// A URL or '//host/...' would leave the base URL: the starter refuses to send the token there anyway, but
			// the command says what it expects before trying.
			throw new SampleCommands.UsageException("'whoami' takes a path below the client's base URL, starting with "
					+ "a single '/', as in 'whoami /userinfo' (got '" + SafeText.providerText(path) + "'): to call another "
					+ "host, use 'call <registration> <url>'.");
		}
		try {
			ResponseEntity<String> response = this.userinfo.get().uri(path).retrieve().toEntity(String.class);
			out.println("HTTP " + response.getStatusCode().value());
			out.println((response.getBody() != null) ? response.getBody() : "");
			return SampleCommands.OK;
		}
		catch (RestClientResponseException ex) {
			out.println("HTTP " + ex.getStatusCode().value());
			out.println(ex.getResponseBodyAsString());
			return SampleCommands.FAILED;
		}
	}

}
