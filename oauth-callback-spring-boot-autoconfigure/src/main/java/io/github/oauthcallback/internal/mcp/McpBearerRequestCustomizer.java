package io.github.oauthcallback.internal.mcp;

import java.net.URI;
import java.net.http.HttpRequest;

import io.modelcontextprotocol.client.transport.customizer.McpAsyncHttpClientRequestCustomizer;
import io.modelcontextprotocol.common.McpTransportContext;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The SDK's request customizer for one MCP server and account: adds {@code Authorization: Bearer} with the stored
 * token ({@link McpServerAuthorization#accessToken()}: refreshed when due, never a login), or leaves the request
 * without one. Only requests to the server's origin (scheme, host and port) get it. The store and a refresh may block, so the work runs on {@link Schedulers#boundedElastic()}: sync and
 * async MCP clients alike.
 */
public final class McpBearerRequestCustomizer implements McpAsyncHttpClientRequestCustomizer {

	private final McpServerAuthorization authorization;

	/**
	 * @param authorization the server's authorization
	 */
	public McpBearerRequestCustomizer(McpServerAuthorization authorization) {
		this.authorization = authorization;
	}

	@Override
	public Publisher<HttpRequest.Builder> customize(HttpRequest.Builder builder, String method, URI endpoint,
			@Nullable String body, McpTransportContext context) {
		return Mono.fromCallable(() -> {
			if (!this.authorization.isOrigin(endpoint)) {
				// a customizer put on a transport to another origin: the server's token never goes there
				return builder;
			}
			String token = this.authorization.accessToken();
			if (token != null) {
				builder.setHeader("Authorization", "Bearer " + token);
			}
			return builder;
		}).subscribeOn(Schedulers.boundedElastic());
	}

}
