package io.github.oauthcallback.support;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.oauthcallback.browser.BrowserLauncher;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * A browser that skips the provider: it sends the redirect straight to the loopback listener with a fixed code (or
 * a fixed raw query, such as an error or an {@code iss}) and the request's state, from another thread, as a real
 * browser would.
 */
public class CallbackBrowser implements BrowserLauncher {

	private final String query;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private volatile URI authorizationUri;

	private volatile CompletableFuture<HttpResponse<String>> response;

	public CallbackBrowser(String code) {
		this.query = "code=" + URLEncoder.encode(code, StandardCharsets.UTF_8);
	}

	private CallbackBrowser(String rawQuery, boolean raw) {
		this.query = rawQuery;
	}

	/**
	 * @param rawQuery the redirect's query without {@code state} (already percent-encoded), for example
	 * {@code code=c&iss=https%3A%2F%2Fidp.example}; the request's state is appended
	 * @return a browser answering with that query
	 */
	public static CallbackBrowser answering(String rawQuery) {
		return new CallbackBrowser(rawQuery, true);
	}

	@Override
	public void open(URI authorizationUri) {
		this.authorizationUri = authorizationUri;
		Map<String, String> query = UriComponentsBuilder.fromUri(authorizationUri)
			.build()
			.getQueryParams()
			.toSingleValueMap();
		String redirect = decode(query.get("redirect_uri"));
		URI callback = URI.create(redirect + "?" + this.query + "&state=" + query.get("state"));
		this.response = this.client.sendAsync(HttpRequest.newBuilder(callback).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	public URI authorizationUri() {
		return this.authorizationUri;
	}

	public Map<String, String> authorizationParameters() {
		Map<String, String> raw = UriComponentsBuilder.fromUri(this.authorizationUri)
			.build()
			.getQueryParams()
			.toSingleValueMap();
		return raw.entrySet()
			.stream()
			.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, (entry) -> decode(entry.getValue())));
	}

	public HttpResponse<String> response() throws Exception {
		return this.response.get();
	}

	private static String decode(String value) {
		return java.net.URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

	/** A browser that never calls back, for timeout and cancellation tests. */
	public static BrowserLauncher silent() {
		return (uri) -> {
		};
	}

}
