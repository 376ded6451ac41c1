package io.github.oauthcallback.internal.loopback;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AuthorizationResponseCheck.Code#toString()}: the parameters' names come from the provider, percent-decoded,
 * so they are shown cleaned (no terminal escapes, no control characters), and no value is shown.
 */
class CodeToStringTests {

	@Test
	void parameterNamesAreShownWithoutEscapesOrControlCharacters() {
		Map<String, List<String>> parameters = new LinkedHashMap<>();
		parameters.put("code", List.of("the-code-4711"));
		parameters.put("\u001B]0;owned\u0007ti\u009B1mtle\nnext", List.of("v-1"));
		String shown = new AuthorizationResponseCheck.Code("the-code-4711", parameters).toString();
		assertThat(shown).isEqualTo("Code[value=<hidden>, parameters=[code, title next]]");
		assertThat(shown).doesNotContain("\u001B").doesNotContain("\u0007").doesNotContain("\u009B")
			.doesNotContain("\n").doesNotContain("the-code-4711").doesNotContain("v-1");
	}

}
