package io.github.oauthcallback.store;

import java.security.SecureRandom;
import java.util.List;

import io.github.oauthcallback.InvalidConfigurationException;
import io.github.oauthcallback.store.TokenCipher.UndecryptableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenCipherTests {

	static byte[] key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	private final byte[] oldKey = key();

	private final byte[] newKey = key();

	@Test
	void roundTripWithAFreshNoncePerValue() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String first = cipher.seal("token-value", "ctx");
		String second = cipher.seal("token-value", "ctx");
		assertThat(first).startsWith("enc:v1:" + cipher.currentKeyId() + ":").doesNotContain("token-value");
		assertThat(first).isNotEqualTo(second);
		assertThat(cipher.open(first, "ctx")).isEqualTo("token-value");
		assertThat(cipher.open(second, "ctx")).isEqualTo("token-value");
	}

	@Test
	void valueIsBoundToItsEntry() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String sealed = cipher.seal("token-value", "github\nada\naccess_token");
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> cipher.open(sealed, "github\nbob\naccess_token"))
			.withMessageContaining("does not decrypt")
			.withMessageNotContaining("token-value");
	}

	@Test
	void tamperedValueIsRejected() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String sealed = cipher.seal("token-value", "ctx");
		char last = sealed.charAt(sealed.length() - 2);
		String tampered = sealed.substring(0, sealed.length() - 2) + ((last == 'A') ? 'B' : 'A')
				+ sealed.charAt(sealed.length() - 1);
		assertThatExceptionOfType(UndecryptableException.class).isThrownBy(() -> cipher.open(tampered, "ctx"));
	}

	@Test
	void rotationReadsOldValuesAndWritesWithTheNewKey() {
		String written = TokenCipher.of(this.oldKey, List.of()).seal("v", "ctx");
		TokenCipher rotated = TokenCipher.of(this.newKey, List.of(this.oldKey));
		assertThat(rotated.open(written, "ctx")).isEqualTo("v");
		assertThat(rotated.seal("v", "ctx")).startsWith("enc:v1:" + TokenCipher.keyId(this.newKey) + ":");
		assertThat(rotated.currentKeyId()).isEqualTo(TokenCipher.keyId(this.newKey))
			.isNotEqualTo(TokenCipher.keyId(this.oldKey));
	}

	@Test
	void wrongKeyNamesTheKeyIdNeeded() {
		String written = TokenCipher.of(this.oldKey, List.of()).seal("v", "ctx");
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> TokenCipher.of(this.newKey, List.of()).open(written, "ctx"))
			.withMessageContaining(TokenCipher.keyId(this.oldKey))
			.withMessageContaining("not configured");
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> TokenCipher.none().open(written, "ctx"))
			.withMessageContaining("encryption is off");
	}

	@Test
	void plaintextIsReadSoEncryptionCanBeTurnedOn() {
		assertThat(TokenCipher.of(this.newKey, List.of()).open("plain-token", "ctx")).isEqualTo("plain-token");
		assertThat(TokenCipher.none().seal("plain-token", "ctx")).isEqualTo("plain-token");
		assertThat(TokenCipher.none().encrypting()).isFalse();
	}

	@Test
	void keysMustBe256Bits() {
		assertThatExceptionOfType(InvalidConfigurationException.class)
			.isThrownBy(() -> TokenCipher.of(new byte[16], List.of()))
			.withMessageContaining("32")
			.withMessageContaining("openssl rand -base64 32");
	}

}
