package io.github.oauthcallback.support;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the user of a device login against {@link TestAuthorizationServer} with a real HTTP client, as a browser on
 * another device would: opens the verification URI with the user code filled in, signs in, and approves (or
 * denies) the consent page that Spring Authorization Server always shows for a device login. Stops at the server's
 * final redirect.
 */
public final class DeviceApprover {

	private static final Pattern INPUT = Pattern.compile("<input\\b[^>]*>", Pattern.CASE_INSENSITIVE);

	private static final Pattern FORM_ACTION = Pattern.compile("<form\\b[^>]*action=\"([^\"]*)\"",
			Pattern.CASE_INSENSITIVE);

	private DeviceApprover() {
	}

	/**
	 * Approves a device login.
	 * @param completeUri the verification URI with the user code ({@code verification_uri_complete})
	 */
	public static void approve(URI completeUri) throws Exception {
		answer(completeUri, true, TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD);
	}

	/**
	 * Denies a device login: the consent form is sent without a scope.
	 * @param completeUri the verification URI with the user code
	 */
	public static void deny(URI completeUri) throws Exception {
		answer(completeUri, false, TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD);
	}

	/**
	 * Approves on a thread of its own, as a user on another device would, once the prompt is out.
	 * @param completeUri the verification URI with the user code
	 * @param failures where a failure is recorded, for the test to assert on
	 */
	public static void approveLater(URI completeUri, List<Throwable> failures) {
		approveLater(completeUri, TestAuthorizationServer.USER, TestAuthorizationServer.PASSWORD, failures);
	}

	/**
	 * Approves on a thread of its own, as another user.
	 * @param completeUri the verification URI with the user code
	 * @param username the user
	 * @param password the user's password
	 * @param failures where a failure is recorded, for the test to assert on
	 */
	public static void approveLater(URI completeUri, String username, String password, List<Throwable> failures) {
		Thread thread = new Thread(() -> {
			try {
				answer(completeUri, true, username, password);
			}
			catch (Throwable ex) {
				failures.add(ex);
			}
		}, "test-device-user");
		thread.setDaemon(true);
		thread.start();
	}

	private static void answer(URI start, boolean approve, String username, String password) throws Exception {
		HttpClient client = HttpClient.newBuilder()
			.cookieHandler(new CookieManager())
			.followRedirects(HttpClient.Redirect.NEVER)
			.connectTimeout(Duration.ofSeconds(5))
			.build();
		HttpRequest request = get(start);
		boolean answered = false;
		for (int step = 0; step < 12; step++) {
			HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
			int status = response.statusCode();
			if (answered && !approve) {
				// A denial ends with an error answer (400, access_denied); the device code is invalidated.
				return;
			}
			String body = response.body();
			if (status == 302 || status == 303) {
				URI location = request.uri().resolve(response.headers().firstValue("Location").orElseThrow());
				if (location.getRawQuery() != null && location.getRawQuery().contains("success")) {
					return;
				}
				request = get(location);
			}
			else if (status == 200 && body.contains("name=\"username\"")) {
				request = post(request.uri().resolve("/login"),
						hidden(body) + "&username=" + encode(username) + "&password=" + encode(password));
			}
			else if (status == 200 && body.contains("name=\"user_code\"")) {
				StringBuilder form = new StringBuilder(hidden(body));
				if (approve) {
					for (String scope : checkboxes(body)) {
						form.append("&scope=").append(encode(scope));
					}
				}
				Matcher action = FORM_ACTION.matcher(body);
				URI target = request.uri().resolve(action.find() ? action.group(1) : "/oauth2/device_verification");
				request = post(target, form.toString());
				answered = true;
			}
			else {
				throw new IllegalStateException("Unexpected answer " + status + " from " + request.uri().getPath());
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

	private static String hidden(String html) {
		List<String> fields = new ArrayList<>();
		Matcher matcher = INPUT.matcher(html);
		while (matcher.find()) {
			String tag = matcher.group();
			if (tag.contains("type=\"hidden\"")) {
				fields.add(encode(attribute(tag, "name")) + "=" + encode(attribute(tag, "value")));
			}
		}
		return String.join("&", fields);
	}

	private static List<String> checkboxes(String html) {
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

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
