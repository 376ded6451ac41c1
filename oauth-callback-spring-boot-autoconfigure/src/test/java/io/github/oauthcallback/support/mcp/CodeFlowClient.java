package io.github.oauthcallback.support.mcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.sun.net.httpserver.HttpServer;
import io.github.oauthcallback.support.DeviceApprover;
import io.github.oauthcallback.support.UserAgentBrowser;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * A minimal OAuth client of {@link McpAuthorizationServer} written with {@code java.net.http} only, for tests of the
 * peers themselves (no starter code): registers a client (RFC 7591), logs in with the authorization code grant and
 * PKCE (the user played by {@link UserAgentBrowser#approving()}, the redirect received by a JDK {@code HttpServer}
 * on 127.0.0.1 that lives for one login) or with the device grant ({@link DeviceApprover}), refreshes and revokes,
 * with optional {@code resource} parameters.
 */
public final class CodeFlowClient {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecureRandom RANDOM = new SecureRandom();

	private final McpAuthorizationServer server;

	private final Registration client;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	public CodeFlowClient(McpAuthorizationServer server, Registration client) {
		this.server = server;
		this.client = client;
	}

	/**
	 * Registers a client with an open registration request: {@code application_type: native}, loopback redirect URI,
	 * grant types {@code authorization_code} and {@code refresh_token}, no {@code scope}.
	 * @param method the {@code token_endpoint_auth_method}
	 * @return the registration endpoint's answer
	 */
	public static Answer register(McpAuthorizationServer server, String method) throws IOException, InterruptedException {
		return register(server, method, null);
	}

	/**
	 * Registers a client as {@link #register(McpAuthorizationServer, String)} does, with a {@code scope}.
	 * @param scope the registration's {@code scope}, or {@code null} for none
	 */
	public static Answer register(McpAuthorizationServer server, String method, @Nullable String scope)
			throws IOException, InterruptedException {
		Map<String, Object> request = new LinkedHashMap<>();
		if (scope != null) {
			request.put("scope", scope);
		}
		request.put("client_name", "peer test");
		request.put("application_type", "native");
		request.put("redirect_uris", List.of(McpAuthorizationServer.REDIRECT_URI));
		request.put("grant_types", List.of("authorization_code", "refresh_token"));
		request.put("response_types", List.of("code"));
		request.put("token_endpoint_auth_method", method);
		HttpRequest post = HttpRequest.newBuilder(server.registrationEndpoint())
			.header("Content-Type", "application/json")
			.header("Accept", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(request)))
			.build();
		HttpResponse<String> response = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofString());
		return Answer.of(response);
	}

	/**
	 * Logs in: authorization request with PKCE (S256), the scopes and resources, the user approves, code exchange
	 * with the same resources.
	 */
	public Answer login(List<String> scopes, String... resources) throws Exception {
		return login(scopes, List.of(resources), List.of(resources));
	}

	/**
	 * Logs in with different resources on the authorization request and on the code exchange.
	 */
	public Answer login(List<String> scopes, List<String> authorizationResources, List<String> tokenResources)
			throws Exception {
		String verifier = random(32);
		String state = random(16);
		CompletableFuture<String> query = new CompletableFuture<>();
		HttpServer callback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		callback.createContext("/callback", (exchange) -> {
			query.complete(exchange.getRequestURI().getRawQuery());
			byte[] body = "done".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			exchange.getResponseBody().write(body);
			exchange.close();
		});
		callback.start();
		try {
			String redirectUri = "http://127.0.0.1:" + callback.getAddress().getPort() + "/callback";
			UriComponentsBuilder authorization = UriComponentsBuilder.fromUri(this.server.authorizationEndpoint())
				.queryParam("response_type", "code")
				.queryParam("client_id", this.client.clientId())
				.queryParam("redirect_uri", redirectUri)
				.queryParam("scope", String.join(" ", scopes))
				.queryParam("state", state)
				.queryParam("code_challenge", challenge(verifier))
				.queryParam("code_challenge_method", "S256");
			authorizationResources.forEach((resource) -> authorization.queryParam("resource", resource));
			UserAgentBrowser browser = UserAgentBrowser.approving();
			browser.open(authorization.encode().build().toUri());
			browser.callbackResponse();
			Map<String, String> parameters = parameters(query.get(30, TimeUnit.SECONDS));
			if (!state.equals(parameters.get("state")) || parameters.get("code") == null) {
				throw new IllegalStateException("The authorization response has no code or another state; error: "
						+ parameters.get("error"));
			}
			Map<String, String> form = new LinkedHashMap<>();
			form.put("grant_type", "authorization_code");
			form.put("code", parameters.get("code"));
			form.put("redirect_uri", redirectUri);
			form.put("code_verifier", verifier);
			return token(form, tokenResources);
		}
		finally {
			callback.stop(0);
		}
	}

	/**
	 * Logs in with the device authorization grant: device authorization request with the scopes and resources, the
	 * user approves ({@link DeviceApprover}), then the device-code token request with the same resources.
	 */
	public Answer deviceLogin(List<String> scopes, String... resources) throws Exception {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("scope", String.join(" ", scopes));
		Answer authorization = post(URI.create(this.server.issuer() + "/oauth2/device_authorization"), form,
				List.of(resources));
		if (authorization.status() != 200) {
			return authorization;
		}
		DeviceApprover.approve(URI.create(authorization.required("verification_uri_complete")));
		Map<String, String> poll = new LinkedHashMap<>();
		poll.put("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
		poll.put("device_code", authorization.required("device_code"));
		Answer answer = token(new LinkedHashMap<>(poll), List.of(resources));
		for (int attempt = 0; attempt < 10 && "authorization_pending".equals(answer.error()); attempt++) {
			Thread.sleep(1000);
			answer = token(new LinkedHashMap<>(poll), List.of(resources));
		}
		return answer;
	}

	/** A refresh-token request with the resources. */
	public Answer refresh(String refreshToken, String... resources) throws IOException, InterruptedException {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("grant_type", "refresh_token");
		form.put("refresh_token", refreshToken);
		return token(form, List.of(resources));
	}

	/** A revocation request (RFC 7009) for a refresh token; a public client sends only its {@code client_id}. */
	public Answer revoke(String refreshToken) throws IOException, InterruptedException {
		Map<String, String> form = new LinkedHashMap<>();
		form.put("token", refreshToken);
		form.put("token_type_hint", "refresh_token");
		return post(URI.create(this.server.issuer() + "/oauth2/revoke"), form, List.of());
	}

	private Answer token(Map<String, String> form, List<String> resources) throws IOException, InterruptedException {
		return post(this.server.tokenEndpoint(), form, resources);
	}

	private Answer post(URI endpoint, Map<String, String> form, List<String> resources)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest.newBuilder(endpoint)
			.header("Content-Type", "application/x-www-form-urlencoded")
			.header("Accept", "application/json");
		String secret = this.client.clientSecret();
		if (secret == null) {
			form.put("client_id", this.client.clientId());
		}
		else {
			String credentials = encode(this.client.clientId()) + ":" + encode(secret);
			request.header("Authorization",
					"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
		}
		List<String> pairs = new ArrayList<>();
		form.forEach((name, value) -> pairs.add(encode(name) + "=" + encode(value)));
		resources.forEach((resource) -> pairs.add("resource=" + encode(resource)));
		HttpResponse<String> response = this.http.send(
				request.POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs))).build(),
				HttpResponse.BodyHandlers.ofString());
		return Answer.of(response);
	}

	private static String random(int bytes) {
		byte[] value = new byte[bytes];
		RANDOM.nextBytes(value);
		return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
	}

	private static String challenge(String verifier) throws NoSuchAlgorithmException {
		byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
		return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static Map<String, String> parameters(String rawQuery) {
		return UriComponentsBuilder.fromUriString("http://x/?" + rawQuery)
			.build()
			.getQueryParams()
			.toSingleValueMap()
			.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey,
					(entry) -> java.net.URLDecoder.decode(entry.getValue(), StandardCharsets.UTF_8)));
	}

	/**
	 * A registered client.
	 * @param clientId the client id
	 * @param clientSecret the secret of a confidential client (sent with HTTP Basic), {@code null} for a public one
	 */
	public record Registration(String clientId, @Nullable String clientSecret) {

		@Override
		public String toString() {
			return "Registration[clientId=" + this.clientId + ", clientSecret="
					+ ((this.clientSecret != null) ? "[redacted]" : "none") + "]";
		}

	}

	/**
	 * A JSON answer of the registration or token endpoint.
	 * @param status the HTTP status
	 * @param body the JSON members
	 */
	public record Answer(int status, Map<String, Object> body) {

		static Answer of(HttpResponse<String> response) {
			Map<String, Object> body = new LinkedHashMap<>();
			String text = response.body();
			if (text != null && text.strip().startsWith("{")) {
				@SuppressWarnings("unchecked")
				Map<String, Object> json = JSON.readValue(text, Map.class);
				body.putAll(json);
			}
			return new Answer(response.statusCode(), body);
		}

		public @Nullable String string(String name) {
			Object value = this.body.get(name);
			return (value != null) ? String.valueOf(value) : null;
		}

		public @Nullable String error() {
			return string("error");
		}

		public String accessToken() {
			return required("access_token");
		}

		public @Nullable String refreshToken() {
			return string("refresh_token");
		}

		/** The registration answer as a client. */
		public Registration registration() {
			return new Registration(required("client_id"), string("client_secret"));
		}

		/** The claims of the access token (a JWT), read without checking its signature. */
		public Map<String, Object> accessTokenClaims() {
			String[] parts = accessToken().split("\\.");
			@SuppressWarnings("unchecked")
			Map<String, Object> claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
			return claims;
		}

		/** The access token's {@code aud}, a list whether the JWT has one audience (a string) or several. */
		public List<String> audience() {
			Object audience = accessTokenClaims().get("aud");
			if (audience instanceof List<?> list) {
				return list.stream().map(String::valueOf).toList();
			}
			return (audience != null) ? List.of(String.valueOf(audience)) : List.of();
		}

		private String required(String name) {
			String value = string(name);
			if (value == null) {
				throw new IllegalStateException("The answer (status " + this.status + ", error " + error()
						+ ") has no " + name);
			}
			return value;
		}

		@Override
		public String toString() {
			return "Answer[status=" + this.status + ", members=" + this.body.keySet() + ", error=" + error() + "]";
		}

	}

}
