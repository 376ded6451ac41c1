package io.github.oauthcallback.support;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.oauthcallback.browser.BrowserLauncher;

import org.springframework.web.util.UriComponentsBuilder;

/**
 * A {@link BrowserLauncher} that plays the user with a real HTTP client: follows the authorization URL, submits the
 * login form, approves or denies consent, and follows the redirect to the loopback listener. It runs on its own
 * thread, like a browser, and records everything a test needs to check.
 */
public class UserAgentBrowser implements BrowserLauncher {

	private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>", Pattern.CASE_INSENSITIVE);

	private final String username;

	private final String password;

	private final boolean approve;

	private final boolean forgeFirst;

	private final boolean reachesListener;

	private final List<String> secretsSeen = new ArrayList<>();

	private volatile URI authorizationUri;

	private volatile CompletableFuture<HttpResponse<String>> callbackResponse = new CompletableFuture<>();

	private volatile HttpResponse<String> forgedResponse;

	private volatile CompletableFuture<URI> endedOn = new CompletableFuture<>();

	public UserAgentBrowser(String username, String password, boolean approve, boolean forgeFirst) {
		this(username, password, approve, forgeFirst, true);
	}

	private UserAgentBrowser(String username, String password, boolean approve, boolean forgeFirst,
			boolean reachesListener) {
		this.username = username;
		this.password = password;
		this.approve = approve;
		this.forgeFirst = forgeFirst;
		this.reachesListener = reachesListener;
	}

	public static UserAgentBrowser approving() {
		return new UserAgentBrowser(TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD, true, false);
	}

	/**
	 * A browser on another machine, which cannot reach the loopback listener: it signs in and approves, then stops at
	 * the redirect to the listener ("This site can't be reached") without sending it; {@link #endedOn()} is the
	 * address in its address bar, which the user pastes.
	 */
	public static UserAgentBrowser elsewhere() {
		return new UserAgentBrowser(TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD, true, false,
				false);
	}

	@Override
	public void open(URI uri) {
		this.authorizationUri = uri;
		this.callbackResponse = new CompletableFuture<>();
		this.endedOn = new CompletableFuture<>();
		Thread thread = new Thread(() -> {
			try {
				this.callbackResponse.complete(play(uri));
			}
			catch (Throwable ex) {
				this.callbackResponse.completeExceptionally(ex);
				this.endedOn.completeExceptionally(ex);
			}
		}, "test-user-agent");
		thread.setDaemon(true);
		thread.start();
	}

	private HttpResponse<String> play(URI start) throws Exception {
		Map<String, String> query = parameters(start);
		String redirectUri = query.get("redirect_uri");
		this.secretsSeen.add(query.get("state"));
		HttpClient client = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		if (this.forgeFirst) {
			this.forgedResponse = client.send(get(URI.create(redirectUri + "?code=forged-code&state=forged-state")),
					HttpResponse.BodyHandlers.ofString());
		}
		HttpRequest request = get(start);
		for (int step = 0; step < 20; step++) {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			if (status == 302 || status == 303) {
				URI location = request.uri().resolve(response.headers().firstValue("Location").orElseThrow());
				if (location.toString().startsWith(redirectUri)) {
					String code = parameters(location).get("code");
					if (code != null) {
						this.secretsSeen.add(code);
					}
					this.endedOn.complete(location);
					if (!this.reachesListener) {
						return null;
					}
					return client.send(get(location), HttpResponse.BodyHandlers.ofString());
				}
				request = get(location);
			}
			else if (status == 200 && response.body().contains("name=\"username\"")) {
				Map<String, String> form = hiddenInputs(response.body());
				form.put("username", this.username);
				form.put("password", this.password);
				request = post(request.uri().resolve("/login"), encode(form));
			}
			else if (status == 200 && response.body().contains("consent")) {
				Map<String, String> form = hiddenInputs(response.body());
				StringBuilder body = new StringBuilder(encode(form));
				if (this.approve) {
					for (String scope : checkboxScopes(response.body())) {
						body.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
					}
				}
				request = post(request.uri().resolve("/oauth2/authorize"), body.toString());
			}
			else {
				throw new IllegalStateException("Unexpected answer " + status + " from " + request.uri() + ": "
						+ response.body());
			}
		}
		throw new IllegalStateException("Too many steps");
	}

	private static HttpRequest get(URI uri) {
		return HttpRequest.newBuilder(uri).header("Accept", "text/html").timeout(Duration.ofSeconds(30)).GET().build();
	}

	private static HttpRequest post(URI uri, String form) {
		return HttpRequest.newBuilder(uri)
			.header("Accept", "text/html")
			.header("Content-Type", "application/x-www-form-urlencoded")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(form))
			.build();
	}

	private static Map<String, String> hiddenInputs(String html) {
		Map<String, String> inputs = new LinkedHashMap<>();
		Matcher matcher = INPUT.matcher(html);
		while (matcher.find()) {
			String tag = matcher.group();
			if (tag.contains("type=\"hidden\"")) {
				inputs.put(attribute(tag, "name"), attribute(tag, "value"));
			}
		}
		return inputs;
	}

	private static List<String> checkboxScopes(String html) {
		List<String> scopes = new ArrayList<>();
		Matcher matcher = INPUT.matcher(html);
		while (matcher.find()) {
			String tag = matcher.group();
			if (tag.contains("type=\"checkbox\"") && "scope".equals(attribute(tag, "name"))) {
				scopes.add(attribute(tag, "value"));
			}
		}
		return scopes;
	}

	private static String attribute(String tag, String name) {
		Matcher matcher = Pattern.compile("\\b" + name + "=\"([^\"]*)\"").matcher(tag);
		return matcher.find() ? matcher.group(1).replace("&amp;", "&") : "";
	}

	private static String encode(Map<String, String> form) {
		return form.entrySet()
			.stream()
			.map((entry) -> URLEncoder.encode(entry.getKey(), StandardCharsets.UTF_8) + "="
					+ URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
			.collect(Collectors.joining("&"));
	}

	private static Map<String, String> parameters(URI uri) {
		Map<String, String> result = new LinkedHashMap<>();
		UriComponentsBuilder.fromUri(uri)
			.build()
			.getQueryParams()
			.forEach((name, values) -> result.put(name, URLDecoder.decode(values.get(0), StandardCharsets.UTF_8)));
		return result;
	}

	public URI authorizationUri() {
		return this.authorizationUri;
	}

	/** The listener's answer to the genuine redirect. */
	public HttpResponse<String> callbackResponse() throws Exception {
		return this.callbackResponse.get();
	}

	/** The listener's answer to the forged callback sent before the genuine one, if any. */
	public HttpResponse<String> forgedResponse() {
		return this.forgedResponse;
	}

	/** The address the browser ended on: the redirect to the listener, whether or not it reached it. */
	public URI endedOn() throws Exception {
		return this.endedOn.get();
	}

	/** The state and code this user agent saw. */
	public List<String> secretsSeen() {
		return List.copyOf(this.secretsSeen);
	}

}
