package io.github.oauthcallback.internal.mcp.discovery;

import java.net.URI;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link BearerChallenge#parse}: the forms servers send (RFC 6750, RFC 9728, RFC 9110 challenge syntax) and input
 * built to break a parser.
 */
class BearerChallengeTests {

	private static final String METADATA = "https://mcp.example.com/.well-known/oauth-protected-resource/mcp";

	@Test
	void readsTheParametersAnMcpServerSends() {
		BearerChallenge challenge = parse("Bearer error=\"invalid_token\", error_description=\"Missing token\", "
				+ "resource_metadata=\"" + METADATA + "\", scope=\"mcp:read mcp:write\"");
		assertThat(challenge.resourceMetadata()).isEqualTo(URI.create(METADATA));
		assertThat(challenge.scope()).containsExactly("mcp:read", "mcp:write");
		assertThat(challenge.error()).isEqualTo("invalid_token");
	}

	@Test
	void readsWhatTheConformanceSuitesServersSend() {
		BearerChallenge missingToken = parse("Bearer error=\"invalid_token\", error_description=\"Missing Authorization "
				+ "header\", resource_metadata=\"" + METADATA + "\"");
		assertThat(missingToken.resourceMetadata()).isEqualTo(URI.create(METADATA));
		assertThat(missingToken.scope()).isEmpty();
		BearerChallenge stepUp = parse("Bearer error=\"insufficient_scope\", scope=\"mcp:basic mcp:write\", "
				+ "resource_metadata=\"" + METADATA + "\"");
		assertThat(stepUp.error()).isEqualTo("insufficient_scope");
		assertThat(stepUp.scope()).containsExactly("mcp:basic", "mcp:write");
		assertThat(parse("Bearer scope=\"mcp:admin\", resource_metadata=\"" + METADATA + "\"").scope())
			.containsExactly("mcp:admin");
	}

	@Test
	void schemeAndParameterNamesAreCaseInsensitiveAndTokensNeedNoQuotes() {
		BearerChallenge challenge = parse("bEaReR Resource_Metadata=\"" + METADATA + "\", SCOPE=files.read, "
				+ "Error=insufficient_scope");
		assertThat(challenge.resourceMetadata()).isEqualTo(URI.create(METADATA));
		assertThat(challenge.scope()).containsExactly("files.read");
		assertThat(challenge.error()).isEqualTo("insufficient_scope");
	}

	@Test
	void aBareBearerChallengeHasNothing() {
		for (String value : List.of("Bearer", "Bearer ", "  Bearer  ", "Bearer,", ", , Bearer")) {
			BearerChallenge challenge = parse(value);
			assertThat(challenge.resourceMetadata()).as(value).isNull();
			assertThat(challenge.scope()).as(value).isEmpty();
			assertThat(challenge.error()).as(value).isNull();
		}
	}

	@Test
	void findsTheBearerChallengeAmongOthersInOneHeader() {
		BearerChallenge challenge = parse("Basic realm=\"simple, with comma\", Newauth realm=\"apps\", type=1, "
				+ "title=\"Login to \\\"apps\\\"\", Bearer scope=\"a b\", resource_metadata=\"" + METADATA
				+ "\", DPoP algs=\"ES256\"");
		assertThat(challenge.scope()).containsExactly("a", "b");
		assertThat(challenge.resourceMetadata()).isEqualTo(URI.create(METADATA));
	}

	@Test
	void findsTheBearerChallengeInAnyOfSeveralHeaders() {
		assertThat(BearerChallenge.parse(List.of("Basic realm=\"x\"", "Negotiate abcDEF12==",
				"Bearer resource_metadata=\"" + METADATA + "\"")))
			.map(BearerChallenge::resourceMetadata)
			.contains(URI.create(METADATA));
		// the first Bearer challenge counts
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"first\"", "Bearer scope=\"second\"")))
			.map(BearerChallenge::scope)
			.contains(List.of("first"));
	}

	@Test
	void aToken68ChallengeBeforeItDoesNotSwallowIt() {
		BearerChallenge challenge = parse("Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer scope=\"s\"");
		assertThat(challenge.scope()).containsExactly("s");
		assertThat(parse("Bearer abc/DEF+12==").scope()).as("a Bearer token68 carries no parameter").isEmpty();
	}

	@Test
	void quotedStringsKeepEscapedQuotesCommasAndEquals() {
		String url = "https://mcp.example.com/meta?a=1,b=2";
		BearerChallenge challenge = parse("Bearer error_description=\"a \\\"quoted\\\", b=c\", resource_metadata=\""
				+ url.replace("a=", "\\a=") + "\", scope=\"x\"");
		assertThat(challenge.resourceMetadata()).isEqualTo(URI.create(url));
		assertThat(challenge.scope()).containsExactly("x");
	}

	@Test
	void spacesAroundTheEqualsSignAndEmptyListElementsAreAllowed() {
		BearerChallenge challenge = parse("Bearer ,, scope = \"a\" ,, error =invalid_token ,");
		assertThat(challenge.scope()).containsExactly("a");
		assertThat(challenge.error()).isEqualTo("invalid_token");
	}

	@Test
	void noBearerChallengeIsEmpty() {
		assertThat(BearerChallenge.parse(List.of())).isEmpty();
		assertThat(BearerChallenge.parse(List.of("", "   ", ","))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Basic realm=\"Bearer scope=x\""))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("BearerToken scope=\"x\"", "XBearer"))).isEmpty();
		assertThat(BearerChallenge.parse(Arrays.asList(null, "Basic realm=x"))).isEmpty();
	}

	@Test
	void scopesAreSpaceSeparatedAndRepeatsAreDropped() {
		assertThat(parse("Bearer scope=\"  b a  b   c \"").scope()).containsExactly("b", "a", "c");
		assertThat(parse("Bearer scope=\"\"").scope()).isEmpty();
	}

	@Test
	void aScopeWithCharactersNoScopeTokenHasIsIgnoredAsAWhole() {
		assertThat(parse("Bearer scope=\"read \\\\admin\"").scope()).as("backslash").isEmpty();
		assertThat(parse("Bearer scope=\"read \\\"x\"").scope()).as("quote").isEmpty();
		assertThat(parse("Bearer scope=\"read\twrite\"").scope()).as("tab").isEmpty();
		assertThat(parse("Bearer scope=\"read écrire\"").scope()).as("non-ASCII").isEmpty();
	}

	@Test
	void unusableResourceMetadataUrlsAreAbsent() {
		for (String url : List.of("/.well-known/oauth-protected-resource", "file:///etc/passwd",
				"javascript:alert(1)", "ftp://mcp.example.com/meta", "https://user:pw@mcp.example.com/meta",
				"https://mcp.example.com/meta#frag", "https:///no-host", "https://mcp.example.com/a b",
				"https://mcp.example.com/" + "x".repeat(3000), "")) {
			assertThat(parse("Bearer resource_metadata=\"" + url + "\", scope=\"ok\"").resourceMetadata()).as(url)
				.isNull();
		}
		assertThat(parse("Bearer resource_metadata=\"HTTP://127.0.0.1:8080/m\"").resourceMetadata())
			.isEqualTo(URI.create("HTTP://127.0.0.1:8080/m"));
	}

	@Test
	void errorsOutsideTheRfc6750CharacterSetAreAbsent() {
		assertThat(parse("Bearer error=\"invalid_token é\"").error()).isNull();
		assertThat(parse("Bearer error=\"bad\\\\thing\"").error()).isNull();
		assertThat(parse("Bearer error=\"\"").error()).isNull();
	}

	@Test
	void aParameterGivenTwiceIsIgnored() {
		BearerChallenge challenge = parse("Bearer resource_metadata=\"https://a.example/m\", scope=\"s\", "
				+ "RESOURCE_METADATA=\"https://b.example/m\"");
		assertThat(challenge.resourceMetadata()).isNull();
		assertThat(challenge.scope()).containsExactly("s");
	}

	@Test
	void aBrokenChallengeIsDroppedButTheChallengesBeforeItAndInOtherHeadersStay() {
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"unterminated"))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\" error=\"missing comma\""))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\", \"not a name\"=1"))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\\"))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\", =b"))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("=Bearer", "Bearer scope=\"in the next header\"")))
			.map(BearerChallenge::scope)
			.contains(List.of("in", "the", "next", "header"));
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"kept\", Basic realm=\"broken")))
			.map(BearerChallenge::scope)
			.contains(List.of("kept"));
	}

	@Test
	void controlCharactersInQuotedStringsBreakTheChallenge() {
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\u0000b\""))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"a\r\nSet-Cookie: x\""))).isEmpty();
	}

	@Test
	void onlyTheFirstChallengesUpToTheCapAreRead() {
		// the documented cap, as a literal: a test relative to the constant would pass with any cap
		int cap = 32;
		String bearer = "Bearer scope=\"found\"";
		assertThat(BearerChallenge.parse(List.of("Basic realm=x, ".repeat(cap - 1) + bearer))).as("the last one read")
			.map(BearerChallenge::scope)
			.contains(List.of("found"));
		assertThat(BearerChallenge.parse(List.of("Basic realm=x, ".repeat(cap) + bearer))).as("one past the cap")
			.isEmpty();
		List<String> headers = new ArrayList<>(Collections.nCopies(cap - 1, "Basic realm=x"));
		headers.add(bearer);
		assertThat(BearerChallenge.parse(headers)).as("over several headers, the last one read").isPresent();
		headers.add(0, "Basic realm=x");
		assertThat(BearerChallenge.parse(headers)).as("over several headers, one past the cap").isEmpty();
	}

	@Test
	void hostileSizesAreCutAtTheLimitsAndGiveNoChallengeOrTheOneWithinThem() {
		String manyChallenges = "Basic realm=x, ".repeat(100_000) + "Bearer scope=\"late\"";
		assertThat(BearerChallenge.parse(List.of(manyChallenges))).as("past the length read").isEmpty();
		String manyParameters = "Bearer " + "a=b, ".repeat(2_000) + "scope=\"found\"";
		assertThat(BearerChallenge.parse(List.of(manyParameters))).map(BearerChallenge::scope)
			.contains(List.of("found"));
		assertThat(BearerChallenge.parse(List.of("Bearer scope=\"" + "\\".repeat(1_000_000)))).isEmpty();
		assertThat(BearerChallenge.parse(List.of("Bearer " + "=".repeat(1_000_000)))).isEmpty();
		assertThat(BearerChallenge.parse(List.of(",".repeat(1_000_000) + "Bearer"))).as("past the length read")
			.isEmpty();
		List<String> manyHeaders = Collections.nCopies(10_000, "Basic realm=x");
		assertThat(BearerChallenge.parse(manyHeaders)).isEmpty();
	}

	private static BearerChallenge parse(String header) {
		Optional<BearerChallenge> challenge = BearerChallenge.parse(List.of(header));
		assertThat(challenge).as(header).isPresent();
		return challenge.get();
	}

}
