package io.github.oauthcallback.internal.loopback;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Parses a raw query string strictly: invalid percent-encoding or too many parameters make the whole query invalid.
 */
public final class QueryParameters {

	static final int MAX_PARAMETERS = 64;

	private final Map<String, List<String>> values;

	private QueryParameters(Map<String, List<String>> values) {
		this.values = values;
	}

	/**
	 * @param rawQuery the raw (still percent-encoded) query, or {@code null}
	 * @return the parameters, or {@code null} if the query is not valid
	 */
	public static @Nullable QueryParameters parse(@Nullable String rawQuery) {
		Map<String, List<String>> values = new LinkedHashMap<>();
		if (rawQuery == null || rawQuery.isEmpty()) {
			return new QueryParameters(values);
		}
		String[] pairs = rawQuery.split("&", -1);
		if (pairs.length > MAX_PARAMETERS) {
			return null;
		}
		try {
			for (String pair : pairs) {
				if (pair.isEmpty()) {
					continue;
				}
				int eq = pair.indexOf('=');
				String name = URLDecoder.decode((eq < 0) ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
				String value = (eq < 0) ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
				values.computeIfAbsent(name, (key) -> new ArrayList<>(1)).add(value);
			}
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
		return new QueryParameters(values);
	}

	/**
	 * @return every parameter with its values, in the order of the query; unmodifiable
	 */
	public Map<String, List<String>> asMap() {
		Map<String, List<String>> copy = new LinkedHashMap<>();
		this.values.forEach((name, list) -> copy.put(name, List.copyOf(list)));
		return Collections.unmodifiableMap(copy);
	}

	/**
	 * @param name the parameter name
	 * @return {@code true} if the parameter occurs more than once
	 */
	boolean repeated(String name) {
		List<String> list = this.values.get(name);
		return list != null && list.size() > 1;
	}

	/**
	 * @param name the parameter name
	 * @return every value of the parameter, in order; empty if it does not occur
	 */
	public List<String> values(String name) {
		return List.copyOf(this.values.getOrDefault(name, List.of()));
	}

	/**
	 * @param name the parameter name
	 * @return the value if the parameter occurs exactly once with a non-empty value, else {@code null}
	 */
	@Nullable String single(String name) {
		List<String> list = this.values.get(name);
		if (list == null || list.size() != 1 || list.get(0).isEmpty()) {
			return null;
		}
		return list.get(0);
	}

}
