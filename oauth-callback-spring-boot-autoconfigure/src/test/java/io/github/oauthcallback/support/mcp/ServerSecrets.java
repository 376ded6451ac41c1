package io.github.oauthcallback.support.mcp;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.servlet.http.HttpServletRequest;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every secret {@link McpAuthorizationServer} received or issued, for tests that look for them where they must not
 * be (logs): from the client's requests to the token, revocation, introspection and device authorization endpoints
 * the authorization codes, PKCE verifiers, device codes, refresh tokens, tokens, client secrets of the form body, and
 * the {@code client_secret_basic} credentials (the Base64 of the header and the secret in it); from the answers of
 * the token and registration endpoints the access, refresh and ID tokens, the registered client secrets and the
 * registration access tokens.
 */
final class ServerSecrets {

	private static final Set<String> CLIENT_ENDPOINTS = Set.of("/oauth2/token", "/oauth2/revoke", "/oauth2/introspect",
			"/oauth2/device_authorization");

	private static final List<String> REQUEST_PARAMETERS = List.of("code", "code_verifier", "device_code",
			"refresh_token", "token", "client_secret");

	private static final List<String> ANSWER_FIELDS = List.of("access_token", "refresh_token", "id_token",
			"client_secret", "registration_access_token");

	private static final JsonMapper json = JsonMapper.builder().build();

	private final List<String> secrets = new CopyOnWriteArrayList<>();

	private final List<String> registrationFields = new CopyOnWriteArrayList<>();

	/** Whether the answer to the request may hold a secret ({@link #answer} wants its body). */
	static boolean answersWithSecrets(HttpServletRequest request) {
		return "POST".equals(request.getMethod())
				&& (request.getRequestURI().equals("/oauth2/token") || request.getRequestURI().equals("/oauth2/register"));
	}

	/** Records the secrets a client sent. */
	void request(HttpServletRequest request) {
		if (!"POST".equals(request.getMethod()) || !CLIENT_ENDPOINTS.contains(request.getRequestURI())) {
			return;
		}
		for (String name : REQUEST_PARAMETERS) {
			String value = request.getParameter(name);
			if (value != null && !value.isEmpty()) {
				this.secrets.add(value);
			}
		}
		String authorization = request.getHeader("Authorization");
		if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
			String credentials = authorization.substring(6).strip();
			this.secrets.add(credentials);
			String decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			if (colon >= 0 && colon < decoded.length() - 1) {
				this.secrets.add(URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
			}
		}
	}

	/**
	 * Records the secrets of an answer of the token or registration endpoint.
	 * @param request the request answered
	 * @param body the answer's body
	 */
	void answer(HttpServletRequest request, byte[] body) {
		JsonNode document;
		try {
			document = json.readTree(body);
		}
		catch (JacksonException ex) {
			return;
		}
		if (document == null || !document.isObject()) {
			return;
		}
		for (String field : ANSWER_FIELDS) {
			JsonNode value = document.get(field);
			if (value != null && value.isString() && !value.asString().isEmpty()) {
				this.secrets.add(value.asString());
				if (request.getRequestURI().equals("/oauth2/register")) {
					this.registrationFields.add(field);
				}
			}
		}
	}

	List<String> all() {
		return List.copyOf(this.secrets);
	}

	/** The names of the secret fields in the registration endpoint's answers, in order. */
	List<String> registrationFields() {
		return List.copyOf(this.registrationFields);
	}

}
