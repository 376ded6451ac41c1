package io.github.oauthcallback.internal.mcp.discovery;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * Splits {@code WWW-Authenticate} header values into challenges (RFC 9110 section 11.6.1 and 11.2): a scheme, then
 * either a {@code token68} or comma-separated {@code name=value} parameters whose value is a token or a quoted string
 * (backslash escapes), challenges themselves separated by commas, any number per header value. A header value is
 * read up to the first syntax error: the challenges complete before it are kept, the broken one and the rest of that
 * value are not. Parameter names and schemes are compared without case; a parameter given twice in one challenge is
 * ambiguous and dropped. Linear in the input; no regular expressions.
 */
final class AuthenticateChallenges {

	/** Longest header value read; a longer one is read up to here (a server does not need more). */
	static final int MAX_HEADER_LENGTH = 16 * 1024;

	/** Most challenges taken from all the header values together. */
	static final int MAX_CHALLENGES = 32;

	private AuthenticateChallenges() {
	}

	/**
	 * One challenge.
	 * @param scheme the scheme in lower case
	 * @param parameters the parameters by lower-case name, values unquoted (without those given twice)
	 */
	record Challenge(String scheme, Map<String, String> parameters) {

		Challenge {
			parameters = Map.copyOf(parameters);
		}

	}

	/**
	 * @param headerValues the {@code WWW-Authenticate} values of one response, in order
	 * @return the challenges that could be read, in order
	 */
	static List<Challenge> parse(List<String> headerValues) {
		List<Challenge> challenges = new ArrayList<>();
		for (String value : headerValues) {
			if (value == null) {
				continue;
			}
			String text = (value.length() > MAX_HEADER_LENGTH) ? value.substring(0, MAX_HEADER_LENGTH) : value;
			new Reader(text, challenges).readAll();
			if (challenges.size() >= MAX_CHALLENGES) {
				return List.copyOf(challenges.subList(0, MAX_CHALLENGES));
			}
		}
		return List.copyOf(challenges);
	}

	/** Reads the challenges of one header value. */
	private static final class Reader {

		private final String text;

		private final List<Challenge> challenges;

		private int position;

		Reader(String text, List<Challenge> challenges) {
			this.text = text;
			this.challenges = challenges;
		}

		void readAll() {
			skipSeparators();
			while (!atEnd() && this.challenges.size() < MAX_CHALLENGES) {
				if (!readChallenge()) {
					return;
				}
				skipSeparators();
			}
		}

		/** Reads one challenge starting at a scheme; false on a syntax error. */
		private boolean readChallenge() {
			String scheme = token();
			if (scheme == null) {
				return false;
			}
			Map<String, String> parameters = new LinkedHashMap<>();
			Set<String> repeated = new LinkedHashSet<>();
			int afterScheme = this.position;
			skipSpaces();
			if (this.position == afterScheme && !atEnd() && peek() != ',') {
				return false;
			}
			if (!atEnd() && peek() == ',' && parameterFollows()) {
				skipSeparators();
			}
			if (!atEnd() && peek() != ',' && !readToken68OrParameters(parameters, repeated)) {
				return false;
			}
			repeated.forEach(parameters::remove);
			this.challenges.add(new Challenge(scheme.toLowerCase(Locale.ROOT), parameters));
			return true;
		}

		/**
		 * After the scheme and its space: a token68 (ending the challenge) or parameters. Parameters go on after a
		 * comma while the next item is {@code name=}; another item starts the next challenge.
		 */
		private boolean readToken68OrParameters(Map<String, String> parameters, Set<String> repeated) {
			int start = this.position;
			String name = token();
			if (name == null) {
				return token68FromHere(start);
			}
			skipSpaces();
			if (atEnd() || peek() != '=') {
				return token68FromHere(start);
			}
			this.position++;
			skipSpaces();
			// "abc=" or "abc==": a token68 ending in padding, not a parameter without a value
			if (atEnd() || peek() == ',' || !readValueInto(name, parameters, repeated)) {
				return token68FromHere(start);
			}
			while (true) {
				skipSpaces();
				if (atEnd()) {
					return true;
				}
				if (peek() != ',') {
					return false;
				}
				skipSeparators();
				if (atEnd()) {
					return true;
				}
				int itemStart = this.position;
				String next = token();
				if (next == null) {
					return false;
				}
				skipSpaces();
				if (atEnd() || peek() != '=') {
					// the next challenge's scheme
					this.position = itemStart;
					return true;
				}
				this.position++;
				skipSpaces();
				if (atEnd() || !readValueInto(next, parameters, repeated)) {
					return false;
				}
			}
		}

		/**
		 * At a comma after the scheme: whether the list goes on with a parameter ({@code name=}) of this challenge,
		 * after empty elements, rather than with the next challenge. Does not move.
		 */
		private boolean parameterFollows() {
			int start = this.position;
			skipSeparators();
			boolean parameter = token() != null;
			skipSpaces();
			parameter = parameter && !atEnd() && peek() == '=';
			this.position = start;
			return parameter;
		}

		private boolean readValueInto(String name, Map<String, String> parameters, Set<String> repeated) {
			String value = (peek() == '"') ? quotedString() : token();
			if (value == null) {
				return false;
			}
			String key = name.toLowerCase(Locale.ROOT);
			if (parameters.putIfAbsent(key, value) != null) {
				repeated.add(key);
			}
			return true;
		}

		/** token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=", then the end or a comma. */
		private boolean token68FromHere(int start) {
			this.position = start;
			while (!atEnd() && isToken68(peek())) {
				this.position++;
			}
			if (this.position == start) {
				return false;
			}
			while (!atEnd() && peek() == '=') {
				this.position++;
			}
			skipSpaces();
			return atEnd() || peek() == ',';
		}

		private @Nullable String token() {
			int start = this.position;
			while (!atEnd() && isTokenChar(peek())) {
				this.position++;
			}
			return (this.position > start) ? this.text.substring(start, this.position) : null;
		}

		/** A quoted string with backslash escapes (quoted-pair); null if it is not closed or holds a control. */
		private @Nullable String quotedString() {
			StringBuilder value = new StringBuilder();
			this.position++;
			while (!atEnd()) {
				char c = peek();
				this.position++;
				if (c == '"') {
					return value.toString();
				}
				if (c == '\\') {
					if (atEnd()) {
						return null;
					}
					c = peek();
					this.position++;
				}
				if (c != '\t' && (c < 0x20 || c == 0x7F)) {
					return null;
				}
				value.append(c);
			}
			return null;
		}

		private void skipSpaces() {
			while (!atEnd() && (peek() == ' ' || peek() == '\t')) {
				this.position++;
			}
		}

		/** Spaces and empty list elements (RFC 9110 section 5.6.1 lets a list have them). */
		private void skipSeparators() {
			while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == ',')) {
				this.position++;
			}
		}

		private boolean atEnd() {
			return this.position >= this.text.length();
		}

		private char peek() {
			return this.text.charAt(this.position);
		}

		private static boolean isTokenChar(char c) {
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
					|| "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
		}

		private static boolean isToken68(char c) {
			return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~+/".indexOf(c) >= 0;
		}

	}

}
