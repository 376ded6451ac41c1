package io.github.oauthcallback.benchmarks.p3;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Builds P3's baseline jar from the sample's Spring Boot jar: the same loader, configuration files and libraries,
 * minus the starter and the libraries only the starter brings, with the sample's classes replaced by the baseline
 * application's.
 */
final class FatJar {

	/**
	 * The libraries the sample has only because of the starter, found by comparing {@code mvn dependency:list} of the
	 * sample with and without the starter (Spring Boot 4.1.2). Each must match exactly one jar, so a dependency change
	 * stops the harness instead of skewing the baseline.
	 */
	static final List<String> STARTER_ONLY_LIBRARIES = List.of("oauth-callback-spring-boot-starter",
			"oauth-callback-spring-boot-autoconfigure", "spring-boot-security-oauth2-client",
			"spring-security-oauth2-client", "oauth2-oidc-sdk", "jcip-annotations", "content-type", "lang-tag",
			"json-smart", "accessors-smart", "asm", "spring-boot-restclient", "spring-boot-http-client");

	static final String CLASSES = "BOOT-INF/classes/";

	static final String LIB = "BOOT-INF/lib/";

	private FatJar() {
	}

	/**
	 * Writes the baseline jar.
	 * @param sample the sample's jar
	 * @param target the jar to write
	 * @param startClass the baseline's main class
	 * @param classes entries to put under {@code BOOT-INF/classes/}, by path below it
	 * @return the names of the libraries left out
	 */
	static List<String> baseline(Path sample, Path target, String startClass, Map<String, byte[]> classes)
			throws IOException {
		List<String> removed = new ArrayList<>();
		try (ZipFile zip = new ZipFile(sample.toFile())) {
			for (String library : STARTER_ONLY_LIBRARIES) {
				Pattern name = Pattern.compile(Pattern.quote(LIB + library) + "-\\d[^/]*\\.jar");
				List<String> matches = zip.stream().map(ZipEntry::getName).filter((n) -> name.matcher(n).matches())
					.toList();
				if (matches.size() != 1) {
					throw new IllegalStateException("Expected one " + library + " jar in " + sample + ", found "
							+ matches + ": the sample's dependencies changed; update FatJar.STARTER_ONLY_LIBRARIES.");
				}
				removed.add(matches.get(0));
			}
			try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
				Enumeration<? extends ZipEntry> entries = zip.entries();
				while (entries.hasMoreElements()) {
					ZipEntry entry = entries.nextElement();
					String name = entry.getName();
					if (removed.contains(name) || isApplicationCode(name)) {
						continue;
					}
					byte[] data;
					try (InputStream in = zip.getInputStream(entry)) {
						data = in.readAllBytes();
					}
					if (name.equals("META-INF/MANIFEST.MF")) {
						data = manifest(data, startClass);
					}
					else if (name.equals("BOOT-INF/classpath.idx") || name.equals("BOOT-INF/layers.idx")) {
						data = withoutLines(data, removed);
					}
					put(out, name, data, entry.getMethod() == ZipEntry.STORED, entry.getTime());
				}
				for (Map.Entry<String, byte[]> added : classes.entrySet()) {
					put(out, CLASSES + added.getKey(), added.getValue(), false, System.currentTimeMillis());
				}
			}
		}
		return removed.stream().map((n) -> n.substring(LIB.length())).toList();
	}

	/**
	 * Adds entries under {@code BOOT-INF/classes/} to a Spring Boot jar (Spring AOT's output for the baseline).
	 */
	static void addClasses(Path jar, Path target, Map<String, byte[]> classes) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile());
				ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(target))) {
			Enumeration<? extends ZipEntry> entries = zip.entries();
			while (entries.hasMoreElements()) {
				ZipEntry entry = entries.nextElement();
				if (entry.getName().startsWith(CLASSES)
						&& classes.containsKey(entry.getName().substring(CLASSES.length()))) {
					continue;
				}
				try (InputStream in = zip.getInputStream(entry)) {
					put(out, entry.getName(), in.readAllBytes(), entry.getMethod() == ZipEntry.STORED,
							entry.getTime());
				}
			}
			for (Map.Entry<String, byte[]> added : classes.entrySet()) {
				put(out, CLASSES + added.getKey(), added.getValue(), false, System.currentTimeMillis());
			}
		}
	}

	/** Whether the jar holds a class, by its binary name. */
	static boolean contains(Path jar, String className) throws IOException {
		try (ZipFile zip = new ZipFile(jar.toFile())) {
			return zip.getEntry(CLASSES + className.replace('.', '/') + ".class") != null;
		}
	}

	/** The sample's own code and build metadata: replaced by the baseline's. */
	private static boolean isApplicationCode(String name) {
		return (name.startsWith(CLASSES + "io/") || name.startsWith(CLASSES + "META-INF/native-image/")
				|| name.startsWith("META-INF/maven/io.github.oauthcallback/")) && !name.endsWith("/");
	}

	private static byte[] manifest(byte[] data, String startClass) throws IOException {
		Manifest manifest = new Manifest(new ByteArrayInputStream(data));
		Attributes main = manifest.getMainAttributes();
		main.putValue("Start-Class", startClass);
		main.putValue("Implementation-Title", "oauth-callback P3 baseline (sample without the starter)");
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		manifest.write(bytes);
		return bytes.toByteArray();
	}

	private static byte[] withoutLines(byte[] data, List<String> removed) {
		StringBuilder text = new StringBuilder();
		for (String line : new String(data, StandardCharsets.UTF_8).split("\n", -1)) {
			if (removed.stream().noneMatch(line::contains)) {
				text.append(line).append('\n');
			}
		}
		text.setLength(text.length() - 1);
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static void put(ZipOutputStream out, String name, byte[] data, boolean stored, long time)
			throws IOException {
		ZipEntry entry = new ZipEntry(name);
		entry.setTime(time);
		if (stored) {
			// Spring Boot's loader reads nested jars in place: they must stay uncompressed.
			CRC32 crc = new CRC32();
			crc.update(data);
			entry.setMethod(ZipEntry.STORED);
			entry.setSize(data.length);
			entry.setCompressedSize(data.length);
			entry.setCrc(crc.getValue());
		}
		out.putNextEntry(entry);
		out.write(data);
		out.closeEntry();
	}

	/**
	 * The class files of a package of the harness itself, by path ({@code io/github/...}), read from the jar or
	 * directory the harness runs from.
	 */
	static Map<String, byte[]> ownClasses(String packageName) throws IOException {
		String prefix = packageName.replace('.', '/') + "/";
		Map<String, byte[]> classes = new LinkedHashMap<>();
		Path location;
		try {
			location = Path.of(FatJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
		}
		catch (URISyntaxException ex) {
			throw new IOException(ex);
		}
		if (Files.isDirectory(location)) {
			try (Stream<Path> files = Files.walk(location.resolve(prefix))) {
				for (Path file : files.filter(Files::isRegularFile).toList()) {
					classes.put(location.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
				}
			}
		}
		else {
			try (ZipFile zip = new ZipFile(location.toFile())) {
				for (ZipEntry entry : zip.stream().filter((e) -> e.getName().startsWith(prefix) && !e.isDirectory())
					.toList()) {
					try (InputStream in = zip.getInputStream(entry)) {
						classes.put(entry.getName(), in.readAllBytes());
					}
				}
			}
		}
		if (classes.isEmpty()) {
			throw new IllegalStateException("No classes of " + packageName + " found in " + location);
		}
		return classes;
	}

	/** Writes entries (path → bytes) below a directory. */
	static void writeTo(Path directory, Map<String, byte[]> entries) throws IOException {
		for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
			Path file = directory.resolve(entry.getKey());
			Files.createDirectories(file.getParent());
			try (OutputStream out = Files.newOutputStream(file)) {
				out.write(entry.getValue());
			}
		}
	}

}
