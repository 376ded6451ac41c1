package io.github.oauthcallback.sample;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
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
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.github.oauthcallback.browser.BrowserLauncher;

/**
 * A {@link BrowserLauncher} that plays the user against the demo identity provider with {@link HttpClient}: it
 * follows redirects by hand, fills in the login form (with its CSRF token), approves the consent page if one is
 * shown, and finally delivers the provider's redirect to the loopback listener. Cookies are kept between logins, like
 * a browser's, so a second login reuses the provider's session.
 */
final class BrowserUser implements BrowserLauncher {

	private static final Pattern FORM = Pattern.compile("<form\\b([^>]*)>(.*?)</form>",
			Pattern.DOTALL | Pattern.CASE_INSENSITIVE);

	private static final Pattern INPUT = Pattern.compile("<input\\b([^>]*)>", Pattern.CASE_INSENSITIVE);

	private static final Pattern ATTRIBUTE = Pattern.compile("([a-zA-Z_:][-a-zA-Z0-9_:.]*)\\s*=\\s*(\"([^\"]*)\"|'([^']*)')");

	private final String username;

	private final String password;

	private final URI issuer;

	private final HttpClient http = HttpClient.newBuilder()
		.cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
		.followRedirects(HttpClient.Redirect.NEVER)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final List<String> pagesSeen = new ArrayList<>();

	private volatile int callbackStatus;

	private volatile String callbackQuery;

	private volatile Exception failure;

	BrowserUser(URI issuer, String username, String password) {
		this.issuer = issuer;
		this.username = username;
		this.password = password;
	}

	@Override
	public void open(URI authorizationUri) throws Exception {
		try {
			play(authorizationUri);
		}
		catch (Exception ex) {
			// The starter only logs a launcher's failure and keeps waiting: keep it for the test's assertions.
			this.failure = ex;
			throw ex;
		}
	}

	/**
	 * @param name a parameter of the last callback's query, such as {@code code}
	 * @return its value, for tests that check it is shown nowhere
	 */
	String callbackValue(String name) {
		String query = Objects.requireNonNull(this.callbackQuery, "no callback was followed");
		for (String pair : query.split("&")) {
			if (pair.startsWith(name + "=")) {
				return java.net.URLDecoder.decode(pair.substring(name.length() + 1),
						java.nio.charset.StandardCharsets.UTF_8);
			}
		}
		throw new IllegalStateException("The callback carried no " + name);
	}

	private void play(URI authorizationUri) throws IOException, InterruptedException {
		this.pagesSeen.clear();
		URI current = authorizationUri;
		HttpResponse<String> response = get(current);
		for (int step = 0; step < 12; step++) {
			int status = response.statusCode();
			if (status == 302 || status == 303) {
				URI location = current.resolve(response.headers().firstValue("Location").orElseThrow());
				if (!sameOrigin(location, this.issuer)) {
					// The provider sends the browser back to the program's loopback listener.
					this.pagesSeen.add("callback");
					this.callbackQuery = location.getRawQuery();
					HttpResponse<String> callback = get(location);
					this.callbackStatus = callback.statusCode();
					return;
				}
				current = location;
				response = get(current);
				continue;
			}
			if (status != 200) {
				throw new IllegalStateException("Unexpected HTTP " + status + " from " + current.getPath());
			}
			String body = response.body();
			Map<String, String> form;
			if (body.contains("name=\"password\"")) {
				this.pagesSeen.add("login");
				form = form(body, "name=\"password\"");
				form.put("username", this.username);
				form.put("password", this.password);
			}
			else if (body.contains("consent_form")) {
				this.pagesSeen.add("consent");
				form = form(body, "name=\"consent_form\"");
			}
			else {
				throw new IllegalStateException("Unexpected page at " + current.getPath() + ": " + abbreviate(body));
			}
			URI action = current.resolve(unescape(Objects.requireNonNull(form.remove("#action"), "form action")));
			response = post(action, form);
			current = action;
		}
		throw new IllegalStateException("Too many steps; pages seen: " + this.pagesSeen);
	}

	/**
	 * The fields of the first form containing the marker: hidden and text inputs, and every checkbox (so every scope
	 * is approved). Values of fields with the same name are joined with a tab and split again when posting.
	 */
	private static Map<String, String> form(String html, String marker) {
		Matcher forms = FORM.matcher(html);
		while (forms.find()) {
			if (!forms.group().contains(marker)) {
				continue;
			}
			Map<String, String> formAttributes = attributes(forms.group(1));
			Map<String, String> fields = new LinkedHashMap<>();
			fields.put("#action", formAttributes.getOrDefault("action", ""));
			Matcher inputs = INPUT.matcher(forms.group(2));
			while (inputs.find()) {
				Map<String, String> input = attributes(inputs.group(1));
				String type = input.getOrDefault("type", "text").toLowerCase();
				String field = input.get("name");
				if (field == null || type.equals("submit") || type.equals("button")) {
					continue;
				}
				String value = unescape(input.getOrDefault("value", ""));
				fields.merge(field, value, (a, b) -> a + "\t" + b);
			}
			return fields;
		}
		throw new IllegalStateException("No form with " + marker + " in " + abbreviate(html));
	}

	private static Map<String, String> attributes(String tag) {
		Map<String, String> attributes = new LinkedHashMap<>();
		Matcher matcher = ATTRIBUTE.matcher(tag);
		while (matcher.find()) {
			String value = (matcher.group(3) != null) ? matcher.group(3) : matcher.group(4);
			attributes.put(matcher.group(1).toLowerCase(), value);
		}
		return attributes;
	}

	private static String unescape(String value) {
		return value.replace("&quot;", "\"")
			.replace("&#39;", "'")
			.replace("&#x27;", "'")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&#x2F;", "/")
			.replace("&amp;", "&");
	}

	private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
		return this.http.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(URI uri, Map<String, String> fields) throws IOException, InterruptedException {
		String body = fields.entrySet()
			.stream()
			.flatMap((field) -> List.of(field.getValue().split("\t", -1))
				.stream()
				.map((value) -> encode(field.getKey()) + "=" + encode(value)))
			.collect(Collectors.joining("&"));
		return this.http.send(request(uri).header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static HttpRequest.Builder request(URI uri) {
		// Without Accept: text/html the provider answers 401 instead of redirecting to its login page.
		return HttpRequest.newBuilder(uri).header("Accept", "text/html").timeout(Duration.ofSeconds(10));
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private static boolean sameOrigin(URI a, URI b) {
		return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
				&& a.getPort() == b.getPort();
	}

	private static String abbreviate(String body) {
		String flat = body.replaceAll("\\s+", " ");
		return (flat.length() > 300) ? flat.substring(0, 300) + "..." : flat;
	}

	/**
	 * @return the pages of the last login: {@code login}, {@code consent}, {@code callback}
	 */
	List<String> pagesSeen() {
		return List.copyOf(this.pagesSeen);
	}

	/**
	 * @return the HTTP status the loopback listener answered the last callback with
	 */
	int callbackStatus() {
		return this.callbackStatus;
	}

	/**
	 * @return why playing the user failed, or {@code null}
	 */
	Exception failure() {
		return this.failure;
	}

}
