package io.github.oauthcallback.internal.mcp;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;

import io.modelcontextprotocol.client.transport.HttpRequestSnapshot;
import io.modelcontextprotocol.client.transport.customizer.McpHttpClientTransportAuthorizationErrorHandler;
import io.modelcontextprotocol.common.McpTransportContext;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The SDK's authorization error handler for one MCP server and account: hands a 401 or 403 to
 * {@link McpServerAuthorization#onAuthorizationError} (discovery, client identity, login, refresh, step-up) on
 * {@link Schedulers#boundedElastic()}, and asks the SDK to replay the request when it got a token to try. The SDK
 * replays one request at most {@link #maxRetries()} times in a row: that is the bound on authorization attempts per
 * request ({@code oauth-callback.mcp.max-authorization-attempts}). Answers from another origin than the server's are
 * not handled.
 */
public final class McpAuthorizationErrorHandler implements McpHttpClientTransportAuthorizationErrorHandler {

	private static final String BEARER = "bearer ";

	private final McpServerAuthorization authorization;

	private final int maxAttempts;

	/**
	 * @param authorization the server's authorization
	 * @param maxAttempts how many authorization attempts (logins, refreshes, step-ups) one request may cause, at
	 * least 1
	 */
	public McpAuthorizationErrorHandler(McpServerAuthorization authorization, int maxAttempts) {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1 (was " + maxAttempts + ")");
		}
		this.authorization = authorization;
		this.maxAttempts = maxAttempts;
	}

	@Override
	public Publisher<Boolean> handle(HttpRequestSnapshot requestSnapshot, HttpResponse.ResponseInfo responseInfo,
			McpTransportContext context) {
		if (!this.authorization.isOrigin(requestSnapshot.requestUri())) {
			// a handler put on a transport to another origin: no discovery or login for an answer from elsewhere
			return Mono.just(false);
		}
		int status = responseInfo.statusCode();
		List<String> challenges = responseInfo.headers().allValues("WWW-Authenticate");
		String sent = bearerToken(requestSnapshot);
		return Mono.fromCallable(() -> this.authorization.onAuthorizationError(status, challenges, sent))
			.subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public int maxRetries() {
		return this.maxAttempts;
	}

	private static @Nullable String bearerToken(HttpRequestSnapshot request) {
		String header = request.headers().firstValue("Authorization").orElse(null);
		if (header == null || header.length() <= BEARER.length()
				|| !header.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
			return null;
		}
		return header.substring(BEARER.length()).trim();
	}

}
