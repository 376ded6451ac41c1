package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.IssuedBy;
import io.github.oauthcallback.internal.store.SealedLogin;
import io.github.oauthcallback.internal.store.TokenFileDocument;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.github.oauthcallback.autoconfigure.OAuthCallbackProperties;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store's own types that hold token values or keys: none may print one in {@code toString()} (a default record
 * {@code toString()} would print every component).
 */
class StoreToStringTests {

	private static final String ACCESS = "access-7f3a9c";

	private static final String REFRESH = "refresh-2b8e41";

	private static final String ID_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.sig-5d1c";

	private static final String SEALED = "enc:v2:0a1b2c3d:c2VhbGVkLWRvY3VtZW50";

	/** A key the Encryption properties accept: 32 bytes, base64. */
	private static final String KEY = "c2VjcmV0LWtleS1tYXRlcmlhbC0zMi1ieXRlcy0xMjM=";

	private final Instant now = Instant.parse("2026-11-01T10:00:00Z");

	private final SealedLogin login = new SealedLogin("https://idp.example", "https://idp.example/token", "cli",
			ACCESS, "Bearer", this.now, this.now.plusSeconds(3600), Set.of("read"), REFRESH, this.now, null, ID_TOKEN);

	@Test
	void aSealedLoginPrintsNoTokenValue() {
		assertNoSecret(this.login.toString());
		assertThat(this.login.toString()).contains("cli", "Bearer");
	}

	@Test
	void theTokenFileDocumentAndItsEntriesPrintNoTokenValue() {
		TokenFileDocument.Entry plain = TokenFileDocument.Entry.of("github", "ada", this.login, null);
		TokenFileDocument.Entry sealed = TokenFileDocument.Entry.of("github", "bob", this.login, SEALED);
		TokenFileDocument document = new TokenFileDocument(2, List.of(plain, sealed));
		assertThat(plain.accessToken().value()).as("the fixture holds the values").isEqualTo(ACCESS);
		for (Object value : List.of(plain, sealed, plain.accessToken(), plain.refreshToken(), document,
				plain.stored())) {
			assertNoSecret(value.toString());
		}
		assertThat(plain.toString()).contains("github", "ada");
	}

	@Test
	void aJdbcRowPrintsNoTokenValue() {
		org.springframework.security.oauth2.client.OAuth2AuthorizedClient client = StoreFixtures
			.client(StoreFixtures.registration("github"), "ada", ACCESS, REFRESH);
		JdbcTokenStore.Row row = new JdbcTokenStore.Row(client, new IssuedBy("https://idp.example", null, "cli"),
				ID_TOKEN);
		assertNoSecret(row.toString());
		assertThat(row.toString()).contains("github", "ada", "cli");
	}

	@Test
	void storedLoginsAndTheEncryptionPropertiesPrintNoSecret() {
		assertNoSecret(new StoredLogin("github", "ada", Set.of("read"), this.now, true).toString());
		OAuthCallbackProperties.Encryption encryption = new OAuthCallbackProperties.Encryption(
				OAuthCallbackProperties.KeySource.PROPERTY, KEY, null,
				new OAuthCallbackProperties.Keychain("oauth-callback", null), List.of(KEY), false);
		assertNoSecret(encryption.toString());
		assertThat(encryption.toString()).contains("(set)");
	}

	private static void assertNoSecret(String text) {
		assertThat(text).doesNotContain(ACCESS, REFRESH, ID_TOKEN, "sig-5d1c", SEALED, "c2VhbGVk", KEY);
	}

}
