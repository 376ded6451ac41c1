package io.github.oauthcallback.store;

import io.github.oauthcallback.internal.store.TokenCipher;
import io.github.oauthcallback.internal.store.TokenFile;
import java.nio.file.Path;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;

/**
 * A separate JVM that writes to a token file, for the crash and multi-process tests.
 * <ul>
 * <li>{@code loop <file> <first>}: saves crash/writer with values v&lt;first&gt;, v&lt;first+1&gt;, ... until
 * killed, printing READY after the first save;</li>
 * <li>{@code park <file> <value>}: saves crash/writer with the value, but parks between writing the temporary file
 * and renaming it over the token file, printing PARKED and the temporary file, until killed;</li>
 * <li>{@code distinct <file> <worker> <count> <dir>}: announces itself in dir, waits until four workers have, then
 * saves count distinct accounts of registration "concurrent" and writes when it started and ended to dir;</li>
 * <li>{@code hold <file>}: holds the file's write lock, printing HOLDING, until killed.</li>
 * </ul>
 */
public final class FileStoreWorker {

	static final String[] REGISTRATIONS = { "crash", "concurrent", "other-0", "other-1", "other-2", "other-3",
			"other-4" };

	private FileStoreWorker() {
	}

	public static void main(String[] args) throws Exception {
		if ("hold".equals(args[0])) {
			new TokenFile(Path.of(args[1]), java.time.Duration.ofMinutes(1)).update((document) -> {
				System.out.println("HOLDING");
				System.out.flush();
				try {
					Thread.sleep(java.time.Duration.ofMinutes(5).toMillis());
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return document;
			});
			return;
		}
		FileTokenStore store = new FileTokenStore(Path.of(args[1]), StoreFixtures.registrations(REGISTRATIONS),
				TokenCipher.none());
		if ("loop".equals(args[0])) {
			long value = Long.parseLong(args[2]);
			// One save before READY: the kill then always lands in the write loop, not during start-up.
			store.saveAuthorizedClient(client(registration("crash"), "writer", "v" + value++, null), account("writer"));
			System.out.println("READY");
			System.out.flush();
			while (true) {
				store.saveAuthorizedClient(client(registration("crash"), "writer", "v" + value++, null),
						account("writer"));
			}
		}
		if ("park".equals(args[0])) {
			TokenFile.beforeRename = (temporary) -> {
				System.out.println("PARKED " + temporary);
				System.out.flush();
				while (true) {
					java.util.concurrent.locks.LockSupport.park();
				}
			};
			store.saveAuthorizedClient(client(registration("crash"), "writer", args[2], null), account("writer"));
			throw new IllegalStateException("the write was not parked before its rename");
		}
		String worker = args[2];
		int count = Integer.parseInt(args[3]);
		Path dir = Path.of(args[4]);
		long started = System.currentTimeMillis();
		java.nio.file.Files.writeString(dir.resolve("started-" + worker), "");
		long deadline = System.nanoTime() + java.time.Duration.ofMinutes(2).toNanos();
		while (countStarted(dir) < 4) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("the other workers did not start");
			}
			Thread.sleep(5);
		}
		for (int i = 0; i < count; i++) {
			String name = worker + "-" + i;
			store.saveAuthorizedClient(client(registration("concurrent"), name, "t-" + name, null), account(name));
		}
		java.nio.file.Files.writeString(dir.resolve("times-" + worker), started + " " + System.currentTimeMillis());
	}

	private static long countStarted(Path dir) throws java.io.IOException {
		try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(dir)) {
			return files.filter((path) -> path.getFileName().toString().startsWith("started-")).count();
		}
	}

}
