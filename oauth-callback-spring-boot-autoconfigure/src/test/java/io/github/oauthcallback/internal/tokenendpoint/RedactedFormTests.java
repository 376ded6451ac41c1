package io.github.oauthcallback.internal.tokenendpoint;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.mock.http.MockHttpOutputMessage;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A redacted token request body prints no secret value and is written exactly as the plain one.
 */
class RedactedFormTests {

	private static MultiValueMap<String, String> form() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "authorization_code");
		form.add("client_id", "cli");
		form.add("client_secret", "s3cret value&more");
		form.add("code", "the-code");
		form.add("redirect_uri", "http://127.0.0.1:8080/callback");
		form.add("code_verifier", "the-verifier");
		form.add("resource", "https://api.example.com");
		form.add("resource", "https://other.example.com");
		return form;
	}

	private static String written(MultiValueMap<String, String> form) throws Exception {
		MockHttpOutputMessage message = new MockHttpOutputMessage();
		new FormHttpMessageConverter().write(form, MediaType.APPLICATION_FORM_URLENCODED, message);
		return message.getBodyAsString(StandardCharsets.UTF_8);
	}

	@Test
	void printsTheNamesAndOnlyTheValuesThatAreNeverSecret() {
		MultiValueMap<String, String> form = form();
		RedactedForm.redact(form);
		assertThat(form.toString()).isEqualTo("{grant_type=[authorization_code], client_id=[cli], "
				+ "client_secret=[redacted], code=[redacted], redirect_uri=[http://127.0.0.1:8080/callback], "
				+ "code_verifier=[redacted], resource=[redacted]}");
		assertThat(String.valueOf(form.get("code"))).doesNotContain("the-code");
	}

	@Test
	void isWrittenExactlyAsThePlainForm() throws Exception {
		MultiValueMap<String, String> redacted = form();
		RedactedForm.redact(redacted);
		assertThat(written(redacted)).isEqualTo(written(form()))
			.contains("client_secret=s3cret+value%26more", "code=the-code", "code_verifier=the-verifier",
					"resource=https%3A%2F%2Fapi.example.com&resource=https%3A%2F%2Fother.example.com");
		assertThat(redacted.getFirst("code")).isEqualTo("the-code");
		assertThat(redacted.toSingleValueMap()).containsEntry("code_verifier", "the-verifier");
	}

	@Test
	void aDeviceCodeIsRedactedAndItsGrantTypeShown() {
		MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
		form.add("grant_type", "urn:ietf:params:oauth:grant-type:device_code");
		form.add("client_id", "cli");
		form.add("device_code", "dev-Code-6621-secret");
		RedactedForm.redact(form);
		assertThat(form.toString()).isEqualTo("{grant_type=[urn:ietf:params:oauth:grant-type:device_code], "
				+ "client_id=[cli], device_code=[redacted]}");
	}

	@Test
	void valuesAddedAfterwardsStayRedacted() {
		MultiValueMap<String, String> form = form();
		RedactedForm.redact(form);
		form.add("code", "second-code");
		RedactedForm.redact(form);
		assertThat(form.get("code")).containsExactly("the-code", "second-code");
		assertThat(form.toString()).doesNotContain("second-code");
	}

}
