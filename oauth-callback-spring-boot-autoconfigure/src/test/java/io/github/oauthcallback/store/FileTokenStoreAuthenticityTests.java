package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.PlaintextLoginException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import io.github.oauthcallback.OidcAuthorizedClient;
import io.github.oauthcallback.TokenStoreException;
import io.github.oauthcallback.support.CapturedLogs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * With an encryption key, what the token file holds is authentic: edits, swaps and plaintext are refused, and a
 * login is only used with the provider and client it was issued by.
 */
class FileTokenStoreAuthenticityTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path dir;

	private final InMemoryClientRegistrationRepository registrations = StoreFixtures.registrations("github", "corp");

	private final ClientRegistration github = this.registrations.findByRegistrationId("github");

	private final ClientRegistration corp = this.registrations.findByRegistrationId("corp");

	private final TokenCipher cipher = TokenCipher.of(TokenCipherTests.key(), List.of());

	private Path file() {
		return this.dir.resolve("tokens.json");
	}

	private FileTokenStore store(TokenCipher cipher) {
		return new FileTokenStore(file(), this.registrations, cipher);
	}

	private FileTokenStore keyed() {
		return store(this.cipher);
	}

	private void edit(Consumer<ArrayNode> change) throws Exception {
		ObjectNode document = (ObjectNode) json.readTree(Files.readString(file()));
		change.accept((ArrayNode) document.get("entries"));
		Files.writeString(file(), json.writeValueAsString(document));
	}

	private static ObjectNode entry(ArrayNode entries, String registrationId, String account) {
		for (JsonNode entry : entries) {
			if (entry.get("registrationId").asString().equals(registrationId)
					&& entry.get("account").asString().equals(account)) {
				return (ObjectNode) entry;
			}
		}
		throw new AssertionError("no entry " + registrationId + "/" + account);
	}

	@Test
	void aPlaintextLoginIsRefusedWhenAKeyIsConfigured() throws Exception {
		store(TokenCipher.none()).saveAuthorizedClient(client(this.github, "ada", "planted-access", "planted-refresh"),
				account("ada"));
		byte[] before = Files.readAllBytes(file());
		assertThatExceptionOfType(PlaintextLoginException.class)
			.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"))
			.withMessageContaining(file().toString())
			.withMessageContaining("not encrypted")
			.withMessageContaining("start once with the encrypt-plaintext migration turned on")
				.withMessageNotContaining("oauth-callback.")
			.withMessageContaining("logout github")
			.withMessageNotContaining("planted")
			.satisfies((ex) -> assertThat(ex.getLocation()).isEqualTo(file().toString()));
		assertThat(Files.readAllBytes(file())).isEqualTo(before);
	}

	@Test
	void aPlaintextValuePutIntoASealedEntryIsRefused() throws Exception {
		keyed().saveAuthorizedClient(client(this.github, "ada", "real-access", "real-refresh"), account("ada"));
		edit((entries) -> {
			ObjectNode entry = entry(entries, "github", "ada");
			entry.remove("sealed");
			entry.remove("refreshToken");
			((ObjectNode) entry.get("accessToken")).put("value", "planted-access");
		});
		assertThatExceptionOfType(PlaintextLoginException.class)
			.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"));
		keyed().saveAuthorizedClient(client(this.github, "ada", "real-access", null), account("ada"));
		edit((entries) -> ((ObjectNode) entry(entries, "github", "ada").get("accessToken")).put("value",
				"planted-access"));
		assertThatExceptionOfType(TokenStoreException.class).as("a value next to the sealed copy")
			.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"))
			.withMessageContaining("token values (found outside the sealed copy)");
	}

	@Test
	void theMigrationPropertyEncryptsPlaintextLoginsOnceWithoutPresentingTheirIdTokenAsValidated() throws Exception {
		FileTokenStore plain = store(TokenCipher.none());
		plain.saveAuthorizedClient(client(this.github, "ada", "access-1", "refresh-1"), account("ada"));
		plain.saveAuthorizedClient(StoreFixtures.oidcClient(this.corp, "bob", "access-2"), account("bob"));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(keyed().encryptPlaintext()).isEqualTo(2);
			assertThat(logs.text()).contains("WARN", "sealed the login for registration 'github' and account 'ada'",
					"registration 'corp' and account 'bob'", "stored as plaintext", "its ID token was dropped")
				.doesNotContain("access-1", "refresh-1", "access-2", "eyJ");
		}
		String content = Files.readString(file());
		assertThat(content).doesNotContain("access-1", "refresh-1", "access-2", StoreFixtures.ID_TOKEN_HEADER)
			.contains("enc:v2:");
		OAuth2AuthorizedClient ada = keyed().loadAuthorizedClient("github", "ada");
		assertThat(ada.getAccessToken().getTokenValue()).isEqualTo("access-1");
		assertThat(ada.getRefreshToken().getTokenValue()).isEqualTo("refresh-1");
		OAuth2AuthorizedClient bob = keyed().loadAuthorizedClient("corp", "bob");
		assertThat(bob.getAccessToken().getTokenValue()).isEqualTo("access-2");
		assertThat(bob).as("a plaintext ID token could have been planted: never presented as validated")
			.isNotInstanceOf(OidcAuthorizedClient.class);
		assertThat(keyed().encryptPlaintext()).as("nothing left to encrypt").isZero();
		assertThat(Files.readString(file())).isEqualTo(content);
	}

	@Test
	void anEncV1LoginPutBackWithAnotherProvidersIssuerAndClientIsRefusedAndNeverResealed() throws Exception {
		String idToken = ((OidcAuthorizedClient) StoreFixtures.oidcClient(this.github, "ada", "x")).getIdToken()
			.getTokenValue();
		// Written by an earlier version as provider A; put back from an old copy with provider B's issuer and client.
		String restored = version1File("https://b.example", "https://b.example/token", "b-client",
				"2199-01-01T00:00:00Z", idToken);
		Files.writeString(file(), restored);
		ClientRegistration providerB = registration("github", "b-client", "https://b.example");
		FileTokenStore pointedAtB = new FileTokenStore(file(), new InMemoryClientRegistrationRepository(providerB,
				this.corp), this.cipher);
		assertThatExceptionOfType(PlaintextLoginException.class)
			.isThrownBy(() -> pointedAtB.loadAuthorizedClient("github", "ada"))
			.withMessageContaining(file().toString())
			.withMessageContaining("encrypted by an earlier version of oauth-callback (enc:v1)")
			.withMessageContaining("start once with the encrypt-plaintext migration turned on")
				.withMessageNotContaining("oauth-callback.")
			.withMessageContaining("logout github")
			.withMessageNotContaining("a-refresh")
			.satisfies((ex) -> assertThat(ex.getRegistrationId()).isEqualTo("github"));
		assertThat(Files.readString(file())).isEqualTo(restored);

		pointedAtB.saveAuthorizedClient(client(this.corp, "bob", "new", null), account("bob"));
		assertThat(Files.readString(file())).as("another save leaves it as it was").contains("enc:v1:");
		assertThatExceptionOfType(PlaintextLoginException.class).as("and it stays refused")
			.isThrownBy(() -> pointedAtB.loadAuthorizedClient("github", "ada"));
		assertThatExceptionOfType(PlaintextLoginException.class).as("with provider A's registration too")
			.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"));
		assertThatExceptionOfType(TokenStoreException.class).as("no key: not readable")
			.isThrownBy(() -> store(TokenCipher.none()).loadAuthorizedClient("github", "ada"))
			.withMessageContaining("encryption is off");
	}

	@Test
	void theMigrationPropertySealsEncV1LoginsWithoutTheirIdToken() throws Exception {
		String idToken = ((OidcAuthorizedClient) StoreFixtures.oidcClient(this.github, "ada", "x")).getIdToken()
			.getTokenValue();
		Files.writeString(file(), version1File("https://idp.example", "https://idp.example/token", "cli-github",
				"2099-01-01T00:00:00Z", idToken));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(keyed().encryptPlaintext()).isEqualTo(1);
			assertThat(logs.text()).contains("registration 'github' and account 'ada'",
					"in the enc:v1 form of an earlier version", "its ID token was dropped")
				.doesNotContain("a-access", "a-refresh", idToken);
		}
		String content = Files.readString(file());
		assertThat(content).contains("\"version\" : 2").doesNotContain("enc:v1:");
		assertThat(json.readTree(content).get("entries").get(0).get("sealed").asString()).startsWith("enc:v2:");
		OAuth2AuthorizedClient sealed = keyed().loadAuthorizedClient("github", "ada");
		assertThat(sealed.getAccessToken().getTokenValue()).isEqualTo("a-access");
		assertThat(sealed.getRefreshToken().getTokenValue()).isEqualTo("a-refresh");
		assertThat(sealed.getAccessToken().getExpiresAt()).isEqualTo("2099-01-01T00:00:00Z");
		assertThat(sealed).isNotInstanceOf(OidcAuthorizedClient.class);
	}

	@Test
	void theMigrationLeavesAnEntryThatDoesNotDecryptAndSealsTheOthers() throws Exception {
		TokenCipher otherKey = TokenCipher.of(TokenCipherTests.key(), List.of());
		store(TokenCipher.none()).saveAuthorizedClient(client(this.corp, "bob", "plain-b", null), account("bob"));
		String v1Entry = """
				{"registrationId":"github","account":"ada","clientId":"cli-github","issuer":"https://idp.example",
				"accessToken":{"value":"%s","type":"Bearer","expiresAt":"2099-01-01T00:00:00Z"}}"""
			.formatted(otherKey.sealV1("a-access", TokenCipher.v1Context("github", "ada", "access_token")));
		edit((entries) -> entries.add(json.readTree(v1Entry)));
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat(keyed().encryptPlaintext()).isEqualTo(1);
			assertThat(logs.text()).contains("left the login for registration 'github' and account 'ada'",
					"cannot be decrypted", "sealed the login for registration 'corp' and account 'bob'")
				.doesNotContain("a-access", "plain-b");
		}
		assertThat(((OAuth2AuthorizedClient) keyed().loadAuthorizedClient("corp", "bob")).getAccessToken()
			.getTokenValue()).isEqualTo("plain-b");
		assertThatExceptionOfType(PlaintextLoginException.class)
			.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"));
	}

	/** A version 1 file as earlier versions wrote it for github/ada with a key: enc:v1 values, the rest plain. */
	private String version1File(String issuer, String tokenUri, String clientId, String expiresAt, String idToken) {
		return """
				{"version":1,"entries":[{"registrationId":"github","account":"ada","issuer":"%s",
				"tokenUri":"%s","clientId":"%s",
				"accessToken":{"value":"%s","type":"Bearer","issuedAt":"2026-01-01T00:00:00Z",
				"expiresAt":"%s","scopes":["read","admin"]},
				"refreshToken":{"value":"%s","issuedAt":"2026-01-01T00:00:00Z"},"idToken":"%s"}]}
				""".formatted(issuer, tokenUri, clientId, v1("a-access", "access_token"), expiresAt,
				v1("a-refresh", "refresh_token"), v1(idToken, "id_token"));
	}

	private String v1(String value, String field) {
		return this.cipher.sealV1(value, TokenCipher.v1Context("github", "ada", field));
	}

	@Test
	void aSealedLoginMovedToAnotherEntryDoesNotDecrypt() throws Exception {
		FileTokenStore store = keyed();
		store.saveAuthorizedClient(client(this.github, "ada", "ada-access", "ada-refresh"), account("ada"));
		store.saveAuthorizedClient(client(this.github, "bob", "bob-access", null), account("bob"));
		store.saveAuthorizedClient(client(this.corp, "ada", "corp-access", null), account("ada"));
		edit((entries) -> {
			ObjectNode ada = entry(entries, "github", "ada");
			ObjectNode bob = entry(entries, "github", "bob");
			String sealed = ada.get("sealed").asString();
			ada.put("sealed", bob.get("sealed").asString());
			bob.put("sealed", sealed);
			entry(entries, "corp", "ada").put("sealed", sealed);
		});
		for (String[] key : new String[][] { { "github", "ada" }, { "github", "bob" }, { "corp", "ada" } }) {
			assertThatExceptionOfType(TokenStoreException.class).as("%s/%s", key[0], key[1])
				.isThrownBy(() -> keyed().loadAuthorizedClient(key[0], key[1]))
				.withMessageContaining("cannot be decrypted")
				.withMessageContaining("belongs to another entry");
		}
	}

	@Test
	void editingWhatDecidesTheUseOfASealedLoginIsDetected() throws Exception {
		String[][] edits = { { "accessToken", "expiresAt", "2199-01-01T00:00:00Z", "expiry" },
				{ "accessToken", "issuedAt", "2020-01-01T00:00:00Z", "issued-at" },
				{ "accessToken", "type", "DPoP", "token type" }, { "", "issuer", "https://evil.example", "issuer" },
				{ "", "clientId", "another-client", "client id" },
				{ "", "tokenUri", "https://evil.example/token", "token endpoint" } };
		for (String[] change : edits) {
			keyed().saveAuthorizedClient(client(this.github, "ada", "secret-access", "secret-refresh"), account("ada"));
			edit((entries) -> {
				ObjectNode entry = entry(entries, "github", "ada");
				((ObjectNode) (change[0].isEmpty() ? entry : entry.get(change[0]))).put(change[1], change[2]);
			});
			assertThatExceptionOfType(TokenStoreException.class).as(change[1])
				.isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"))
				.withMessageContaining("whose " + change[3] + " was changed outside oauth-callback")
				.withMessageNotContaining("secret");
		}
		keyed().saveAuthorizedClient(client(this.github, "ada", "secret-access", "secret-refresh"), account("ada"));
		edit((entries) -> ((ArrayNode) entry(entries, "github", "ada").get("accessToken").get("scopes")).add("admin"));
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"))
			.withMessageContaining("whose scopes was changed");
		keyed().saveAuthorizedClient(client(this.github, "ada", "secret-access", "secret-refresh"), account("ada"));
		edit((entries) -> entry(entries, "github", "ada").remove("refreshToken"));
		assertThatExceptionOfType(TokenStoreException.class).isThrownBy(() -> keyed().loadAuthorizedClient("github", "ada"))
			.withMessageContaining("whose refresh token was changed");
	}

	@Test
	void aSealedLoginOfAnotherClientIsNotUsedAndANewLoginReplacesIt() {
		keyed().saveAuthorizedClient(client(this.github, "ada", "old-client-access", "old-refresh"), account("ada"));
		ClientRegistration moved = registration("github", "new-client", "https://idp.example");
		FileTokenStore store = new FileTokenStore(file(), new InMemoryClientRegistrationRepository(moved), this.cipher);
		try (CapturedLogs logs = new CapturedLogs()) {
			assertThat((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).isNull();
			assertThat(logs.text()).contains("registration 'github'", "client-id cli-github",
					"the registration now has new-client", "Log in again").doesNotContain("old-refresh");
		}
		store.saveAuthorizedClient(client(moved, "ada", "new-client-access", null), account("ada"));
		assertThat(((OAuth2AuthorizedClient) store.loadAuthorizedClient("github", "ada")).getAccessToken()
			.getTokenValue()).isEqualTo("new-client-access");
	}

}
