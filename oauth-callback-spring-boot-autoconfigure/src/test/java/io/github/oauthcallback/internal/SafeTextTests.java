package io.github.oauthcallback.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SafeTextTests {

	@Test
	void providerTextLosesControlCharactersEscapesAndInvisibleFormatting() {
		String hostile = "bad\u001b[31m red\u001b[0m\u001b]0;title\u0007 line\r\nForged: ok\u0000\u202Eevil\u200B\u009b2Jend";
		assertThat(SafeText.providerText(hostile)).isEqualTo("bad red line Forged: okevil" + "end");
		assertThat(SafeText.providerText(hostile)).doesNotContain("\u001b", "\r", "\n", "\u0000", "\u202E", "\u200B",
				"\u009b", "[31m", "title");
	}

	@Test
	void providerTextKeepsOrdinaryTextAndCutsLongText() {
		assertThat(SafeText.providerText("Le client n'est pas autorisé (ü, 日本)")).isEqualTo(
				"Le client n'est pas autorisé (ü, 日本)");
		assertThat(SafeText.providerText(null)).isNull();
		String cut = SafeText.providerText("x".repeat(10_000));
		assertThat(cut).hasSize(SafeText.MAX_PROVIDER_TEXT + 1).endsWith("\u2026");
	}

	@Test
	void describeNamesTypesAndRedactsWhatLooksLikeASecret() {
		String token = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyMSJ9.c2lnbmF0dXJlMTIzNDU2Nzg5";
		Exception failure = new IllegalStateException("wrapper",
				new IllegalArgumentException("Bad token " + token + " for org.example.SomeClassName\u001b[2J"));
		String description = SafeText.describe(failure);
		assertThat(description).isEqualTo("IllegalStateException: wrapper (caused by IllegalArgumentException: Bad "
				+ "token [redacted].[redacted].[redacted] for org.example.SomeClassName)");
		assertThat(description).doesNotContain("eyJhbGci", "c2lnbmF0");
	}

	@Test
	void letterOnlyValuesThatLookRandomAreRedactedToo() {
		assertThat(SafeText.redactSecretLike("payload eyJzdWIiOiJhZGEifQ and verifier abcDEF-ghiJKLmnoPQRstu_vw"))
			.isEqualTo("payload [redacted] and verifier [redacted]");
		assertThat(SafeText.redactSecretLike("org.springframework.web.client.ResourceAccessException client_secret_basic"))
			.isEqualTo("org.springframework.web.client.ResourceAccessException client_secret_basic");
	}

	@Test
	void describeWithoutAMessageIsTheTypeName() {
		assertThat(SafeText.describe(new NullPointerException())).isEqualTo("NullPointerException");
	}

}
