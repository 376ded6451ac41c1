package io.github.oauthcallback.internal.mcp.discovery;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.SafeText;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.util.function.SingletonSupplier;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * GETs one metadata document through the {@link RestClient} it is given and says what came back: a JSON object, an
 * answer that is not metadata (a 3xx or 4xx status, a body that is not a JSON object: discovery tries the next
 * well-known URL where the specification has one), or a failure (no answer, a 5xx status: discovery stops).
 * Redirects are not followed. Bodies are read up to {@value #MAX_BODY} bytes; a JSON member given twice makes the
 * document unusable.
 */
final class MetadataFetcher {

	private static final Log logger = LogFactory.getLog(MetadataFetcher.class);

	/** Largest metadata document read, in bytes. */
	static final int MAX_BODY = 512 * 1024;

	private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
	};

	private static final JsonMapper JSON = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.build();

	private final SingletonSupplier<RestClient> restClient;

	/**
	 * @param restClient creates the {@code RestClient}, once, on the first request
	 */
	MetadataFetcher(Supplier<RestClient> restClient) {
		this.restClient = SingletonSupplier.of(restClient);
	}

	/** What a GET of a metadata URL gave. */
	sealed interface Fetched permits Document, NotMetadata, Failed {

		/**
		 * @return the URL asked
		 */
		URI url();

	}

	/**
	 * A JSON object.
	 * @param url the URL asked
	 * @param members its members
	 */
	record Document(URI url, Map<String, Object> members) implements Fetched {

	}

	/**
	 * An answer that is no metadata document.
	 * @param url the URL asked
	 * @param reason what came back instead, for a message
	 */
	record NotMetadata(URI url, String reason) implements Fetched {

	}

	/**
	 * No usable answer: the server could not be reached, did not answer in time, or failed.
	 * @param url the URL asked
	 * @param reason what happened, for a message
	 */
	record Failed(URI url, String reason) implements Fetched {

	}

	/**
	 * @param url the metadata URL
	 * @return what it gave
	 */
	Fetched fetch(URI url) {
		logger.debug("Fetching metadata " + MetadataUrls.shown(url));
		try {
			return this.restClient.obtain()
				.get()
				.uri(url)
				.accept(MediaType.APPLICATION_JSON)
				.exchange((request, response) -> read(url, response.getStatusCode(),
						response.getHeaders().getLocation(), response.getBody()));
		}
		catch (RestClientException ex) {
			return new Failed(url, "no answer (" + SafeText.describe(ex) + ")");
		}
	}

	private static Fetched read(URI url, HttpStatusCode status, @Nullable URI location, InputStream body)
			throws IOException {
		if (status.is5xxServerError()) {
			return new Failed(url, "HTTP " + status.value());
		}
		if (status.is3xxRedirection()) {
			return new NotMetadata(url, "HTTP " + status.value() + ((location != null)
					? " to " + SafeText.providerText(location.toString()) + " (redirects are not followed)" : ""));
		}
		if (!status.is2xxSuccessful()) {
			return new NotMetadata(url, "HTTP " + status.value());
		}
		byte[] content = body.readNBytes(MAX_BODY + 1);
		if (content.length > MAX_BODY) {
			return new NotMetadata(url, "a body larger than " + MAX_BODY + " bytes");
		}
		try {
			Map<String, Object> members = JSON.readValue(content, OBJECT);
			if (members == null) {
				return new NotMetadata(url, "JSON null, not a metadata object");
			}
			return new Document(url, members);
		}
		catch (JacksonException ex) {
			return new NotMetadata(url, "HTTP " + status.value() + " with a body that is not a JSON object ("
					+ ex.getClass().getSimpleName() + ")");
		}
	}

}
