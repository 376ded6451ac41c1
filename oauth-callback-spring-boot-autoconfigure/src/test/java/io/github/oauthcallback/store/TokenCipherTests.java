package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import java.security.SecureRandom;
import java.util.List;

import io.github.oauthcallback.internal.store.TokenCipher.UndecryptableException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TokenCipherTests {

	static byte[] key() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return key;
	}

	private static final byte[] CONTEXT = TokenCipher.associatedData("ctx");

	private final byte[] oldKey = key();

	private final byte[] newKey = key();

	@Test
	void roundTripWithAFreshNoncePerValue() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String first = cipher.seal("token-value", CONTEXT);
		String second = cipher.seal("token-value", CONTEXT);
		assertThat(first).startsWith("enc:v2:" + cipher.currentKeyId() + ":").doesNotContain("token-value");
		assertThat(first).isNotEqualTo(second);
		assertThat(cipher.open(first, CONTEXT)).isEqualTo("token-value");
		assertThat(cipher.open(second, CONTEXT)).isEqualTo("token-value");
	}

	@Test
	void valueIsBoundToItsAssociatedData() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String sealed = cipher.seal("token-value", TokenCipher.associatedData("github", "ada"));
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> cipher.open(sealed, TokenCipher.associatedData("github", "bob")))
			.withMessageContaining("does not decrypt")
			.withMessageNotContaining("token-value");
	}

	@Test
	void associatedDataIsLengthPrefixedSoPartsCannotBeShifted() {
		// With plain concatenation and a separator, ("a\nb", "c") and ("a", "b\nc") are the same bytes.
		assertThat(TokenCipher.associatedData("github\nada", "x"))
			.isNotEqualTo(TokenCipher.associatedData("github", "ada\nx"));
		assertThat(TokenCipher.associatedData("ab", "c")).isNotEqualTo(TokenCipher.associatedData("a", "bc"));
		assertThat(TokenCipher.associatedData("a", null)).isNotEqualTo(TokenCipher.associatedData("a", ""));
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String sealed = cipher.seal("v", TokenCipher.associatedData("reg", "ada\nx"));
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> cipher.open(sealed, TokenCipher.associatedData("reg\nada", "x")));
		assertThat(TokenCipher.associatedData("ab")).containsExactly(0, 0, 0, 2, 'a', 'b');
	}

	@Test
	void tamperedValueIsRejected() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String sealed = cipher.seal("token-value", CONTEXT);
		char last = sealed.charAt(sealed.length() - 2);
		String tampered = sealed.substring(0, sealed.length() - 2) + ((last == 'A') ? 'B' : 'A')
				+ sealed.charAt(sealed.length() - 1);
		assertThatExceptionOfType(UndecryptableException.class).isThrownBy(() -> cipher.open(tampered, CONTEXT));
	}

	@Test
	void rotationReadsOldValuesAndWritesWithTheNewKey() {
		String written = TokenCipher.of(this.oldKey, List.of()).seal("v", CONTEXT);
		TokenCipher rotated = TokenCipher.of(this.newKey, List.of(this.oldKey));
		assertThat(rotated.open(written, CONTEXT)).isEqualTo("v");
		assertThat(rotated.seal("v", CONTEXT)).startsWith("enc:v2:" + TokenCipher.keyId(this.newKey) + ":");
		assertThat(rotated.currentKeyId()).isEqualTo(TokenCipher.keyId(this.newKey))
			.isNotEqualTo(TokenCipher.keyId(this.oldKey));
	}

	@Test
	void wrongKeyNamesTheKeyIdNeeded() {
		String written = TokenCipher.of(this.oldKey, List.of()).seal("v", CONTEXT);
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> TokenCipher.of(this.newKey, List.of()).open(written, CONTEXT))
			.withMessageContaining(TokenCipher.keyId(this.oldKey))
			.withMessageContaining("not configured");
		assertThatExceptionOfType(UndecryptableException.class).isThrownBy(() -> TokenCipher.none().open(written, CONTEXT))
			.withMessageContaining("encryption is off");
	}

	@Test
	void theOlderFieldByFieldFormIsStillReadButNotTakenForTheNewOne() {
		TokenCipher cipher = TokenCipher.of(this.newKey, List.of());
		String v1 = cipher.sealV1("token-value", TokenCipher.v1Context("github", "ada", "access_token"));
		assertThat(v1).startsWith("enc:v1:");
		assertThat(TokenCipher.isV1(v1)).isTrue();
		assertThat(cipher.openV1(v1, "github\nada\naccess_token")).isEqualTo("token-value");
		assertThatExceptionOfType(UndecryptableException.class)
			.isThrownBy(() -> cipher.open(v1, TokenCipher.associatedData("github", "ada")));
		assertThat(TokenCipher.isEncrypted("plain-token")).isFalse();
		assertThat(TokenCipher.none().encrypting()).isFalse();
	}

	@Test
	void keysMustBe256Bits() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> TokenCipher.of(new byte[16], List.of()))
			.withMessageContaining("32")
			.withMessageContaining("openssl rand -base64 32");
	}

}
