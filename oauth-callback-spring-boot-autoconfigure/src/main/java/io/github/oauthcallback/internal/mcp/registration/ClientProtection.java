package io.github.oauthcallback.internal.mcp.registration;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenCipher.UndecryptableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the file and JDBC storage do to keep registered clients authentic, with the token store's cipher: with a key,
 * a client is sealed as one AES-GCM document ({@link TokenCipher#seal}) bound to its registration id, so it cannot be
 * read, edited or moved to another MCP server unnoticed. A stored client that cannot be trusted (not sealed although a
 * key is configured, sealed with a key that is not configured, altered, incomplete) is not used: it is reported once
 * at WARN, without any value, and the next registration replaces it. Registering again costs one request, and unlike
 * a login it needs no user, so nothing is refused for good.
 */
final class ClientProtection {

	/** Bound into every sealed client, so the document cannot be taken for anything else sealed with the key. */
	private static final String PURPOSE = "oauth-callback mcp client v1";

	private static final Log logger = LogFactory.getLog(ClientProtection.class);

	private static final JsonMapper json = JsonMapper.builder().build();

	private final TokenCipher cipher;

	private final Supplier<String> location;

	private final Set<String> warned = ConcurrentHashMap.newKeySet();

	/**
	 * @param cipher the token store's cipher, {@link TokenCipher#none()} without a key
	 * @param location where the clients are kept, for warnings
	 */
	ClientProtection(TokenCipher cipher, Supplier<String> location) {
		this.cipher = cipher;
		this.location = location;
	}

	/**
	 * @return whether clients are sealed (a key is configured)
	 */
	boolean sealing() {
		return this.cipher.encrypting();
	}

	/**
	 * @param registrationId the registration id it is stored under
	 * @param client the client
	 * @return the sealed document, {@code enc:v2:...}
	 */
	String seal(String registrationId, McpClient client) {
		return this.cipher.seal(json.writeValueAsString(StoredClient.of(client)), associatedData(registrationId));
	}

	/**
	 * @param registrationId the registration id it is stored under
	 * @param plain the client as stored without a seal, or {@code null}
	 * @param sealed its sealed document, or {@code null}
	 * @return the client, or {@code null} if none is stored or it cannot be trusted (then reported once)
	 */
	@Nullable McpClient read(String registrationId, @Nullable StoredClient plain, @Nullable String sealed) {
		if (sealed != null) {
			StoredClient opened;
			try {
				opened = json.readValue(this.cipher.open(sealed, associatedData(registrationId)), StoredClient.class);
			}
			catch (UndecryptableException ex) {
				return unusable(registrationId, "cannot be decrypted: " + ex.getMessage());
			}
			catch (JacksonException ex) {
				return unusable(registrationId, "is sealed in a form this version of oauth-callback cannot read");
			}
			McpClient client = (opened != null) ? opened.toClient() : null;
			return (client != null) ? client : unusable(registrationId, "is incomplete");
		}
		if (plain == null) {
			return null;
		}
		if (sealing()) {
			return unusable(registrationId, "is not encrypted although an encryption key is configured (anyone who "
					+ "can write the store could have put it there)");
		}
		McpClient client = plain.toClient();
		return (client != null) ? client : unusable(registrationId, "is incomplete");
	}

	private @Nullable McpClient unusable(String registrationId, String problem) {
		if (this.warned.add(registrationId + "\n" + problem)) {
			logger.warn("The client registered for the MCP registration '" + registrationId + "' in "
					+ this.location.get() + " " + problem + ". It is not used; the client is registered again and "
					+ "replaces it.");
		}
		return null;
	}

	private static byte[] associatedData(String registrationId) {
		return TokenCipher.associatedData(PURPOSE, registrationId);
	}

}
