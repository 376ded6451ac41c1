package io.github.oauthcallback.internal;

import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.lang.Contract;

/**
 * Makes text that came from outside the program safe to put in a message, a log line or a terminal. Internal: no
 * compatibility promise.
 * <ul>
 * <li>{@link #providerText(String)} is for what a provider or a callback sent ({@code error_description},
 * {@code error_uri}, {@code iss}): control characters, ANSI escape sequences, bidirectional and zero-width
 * formatting characters are removed, and the text is cut to a bounded length, so it can neither rewrite the
 * terminal nor pose as another line of output.</li>
 * <li>{@link #describe(Throwable)} is for an unexpected failure: its type and message (and its root cause's), with
 * anything that looks like a token, code or verifier replaced, so a user learns what failed without a secret ever
 * being shown.</li>
 * </ul>
 */
public final class SafeText {

	/** Longest provider text kept, in characters; longer text is cut and ends with an ellipsis. */
	public static final int MAX_PROVIDER_TEXT = 300;

	private static final int MAX_FAILURE_MESSAGE = 200;

	private static final int MIN_SECRET_RUN = 16;

	/**
	 * A run of characters that tokens, codes and verifiers are made of (base64url, base64 without '/', hex), long
	 * enough to be one, with a letter and a digit in it. Class names, words and most paths are not redacted; a
	 * token, a JWT's segments, a code or a verifier are.
	 */
	private static final Pattern SECRET_LIKE = Pattern.compile("[A-Za-z0-9_\\-+=~]{10,}");

	private SafeText() {
	}

	/**
	 * Cleans text a provider or a callback sent, for showing to a user.
	 * @param text the text, or {@code null}
	 * @return the text without control, escape or invisible formatting characters, at most
	 * {@value #MAX_PROVIDER_TEXT} characters long; {@code null} if {@code text} was {@code null}
	 */
	@Contract("!null -> !null")
	public static @Nullable String providerText(@Nullable String text) {
		if (text == null) {
			return null;
		}
		StringBuilder clean = new StringBuilder(Math.min(text.length(), MAX_PROVIDER_TEXT + 1));
		int i = 0;
		while (i < text.length() && clean.length() <= MAX_PROVIDER_TEXT) {
			int codePoint = text.codePointAt(i);
			int next = i + Character.charCount(codePoint);
			if (codePoint == 0x1B || codePoint == 0x9B) {
				i = skipEscape(text, codePoint, next);
				continue;
			}
			if (codePoint == '\t' || codePoint == '\n' || codePoint == '\r') {
				if (clean.length() > 0 && clean.charAt(clean.length() - 1) != ' ') {
					clean.append(' ');
				}
			}
			else if (printable(codePoint)) {
				clean.appendCodePoint(codePoint);
			}
			i = next;
		}
		if (clean.length() > MAX_PROVIDER_TEXT || i < text.length()) {
			clean.setLength(Math.min(clean.length(), MAX_PROVIDER_TEXT));
			if (clean.length() > 0 && Character.isHighSurrogate(clean.charAt(clean.length() - 1))) {
				clean.setLength(clean.length() - 1);
			}
			clean.append('\u2026');
		}
		return clean.toString().strip();
	}

	/**
	 * Parameter names a provider or a callback chose (percent-decoded, so they may hold control characters or
	 * terminal escapes), each cleaned like {@linkplain #providerText provider text}, for a {@code toString()} or a
	 * message.
	 * @param names the names
	 * @return {@code [name, ...]} with the cleaned names in order
	 */
	public static String names(Collection<String> names) {
		return names.stream().map(SafeText::providerText).collect(Collectors.joining(", ", "[", "]"));
	}

	/**
	 * A safe description of an unexpected failure: the simple type names and messages of the failure and of its root
	 * cause, cleaned like provider text, cut short, and with anything that looks like a token, code or verifier
	 * replaced by {@code [redacted]}.
	 * @param failure the failure
	 * @return for example {@code IllegalArgumentException: Illegal base64 character 2e}
	 */
	public static String describe(Throwable failure) {
		Throwable root = failure;
		for (int depth = 0; root.getCause() != null && root.getCause() != root && depth < 32; depth++) {
			root = root.getCause();
		}
		String description = one(failure);
		if (root != failure) {
			description += " (caused by " + one(root) + ")";
		}
		return description;
	}

	/**
	 * Replaces runs that look like a token, code or verifier (16 or more base64url characters with a letter and a
	 * digit among them, a base64url JSON object, or mixed case with base64 punctuation) by {@code [redacted]}.
	 * @param text the text
	 * @return the text with such runs replaced
	 */
	public static String redactSecretLike(String text) {
		Matcher matcher = SECRET_LIKE.matcher(text);
		StringBuilder result = new StringBuilder(text.length());
		while (matcher.find()) {
			String run = matcher.group();
			matcher.appendReplacement(result, Matcher.quoteReplacement(secretLike(run) ? "[redacted]" : run));
		}
		matcher.appendTail(result);
		return result.toString();
	}

	/**
	 * At least 16 characters with a letter and a digit, or upper and lower case mixed with base64 punctuation; or a
	 * JSON object in base64url (a JWT's segments start with {@code eyJ}): random values have these, class names and
	 * words do not.
	 */
	private static boolean secretLike(String run) {
		boolean letter = run.chars().anyMatch(Character::isLetter);
		boolean digit = run.chars().anyMatch(Character::isDigit);
		boolean upper = run.chars().anyMatch(Character::isUpperCase);
		boolean lower = run.chars().anyMatch(Character::isLowerCase);
		boolean punctuation = run.chars().anyMatch((c) -> c == '-' || c == '_' || c == '+' || c == '=' || c == '~');
		return run.startsWith("eyJ")
				|| (run.length() >= MIN_SECRET_RUN && ((letter && digit) || (upper && lower && punctuation)));
	}

	private static String one(Throwable failure) {
		String type = failure.getClass().getSimpleName().isEmpty() ? failure.getClass().getName()
				: failure.getClass().getSimpleName();
		String message = failure.getMessage();
		if (message == null || message.isBlank()) {
			return type;
		}
		String clean = providerText(redactSecretLike(message));
		if (clean.length() > MAX_FAILURE_MESSAGE) {
			clean = clean.substring(0, MAX_FAILURE_MESSAGE) + '\u2026';
		}
		return type + ": " + clean;
	}

	private static boolean printable(int codePoint) {
		return switch (Character.getType(codePoint)) {
			case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
					Character.PRIVATE_USE, Character.SURROGATE, Character.UNASSIGNED ->
				false;
			default -> true;
		};
	}

	/**
	 * Skips an escape sequence: CSI ({@code ESC [} or the 8-bit CSI, parameters, then a final byte in
	 * {@code @..~}), OSC ({@code ESC ]} up to BEL or {@code ESC \}), or a two-character escape.
	 */
	private static int skipEscape(String text, int introducer, int from) {
		int i = from;
		boolean csi = introducer == 0x9B;
		if (!csi && i < text.length()) {
			char kind = text.charAt(i);
			if (kind == '[') {
				csi = true;
				i++;
			}
			else if (kind == ']' || kind == 'P' || kind == '_' || kind == '^') {
				i++;
				while (i < text.length()) {
					char c = text.charAt(i++);
					if (c == 0x07) {
						break;
					}
					if (c == 0x1B && i < text.length() && text.charAt(i) == '\\') {
						i++;
						break;
					}
				}
				return i;
			}
			else {
				return i + 1;
			}
		}
		if (csi) {
			while (i < text.length()) {
				char c = text.charAt(i++);
				if (c >= 0x40 && c <= 0x7E) {
					break;
				}
			}
		}
		return i;
	}

}
