package io.github.oauthcallback.store;

import java.nio.file.Path;

import static io.github.oauthcallback.store.StoreFixtures.account;
import static io.github.oauthcallback.store.StoreFixtures.client;
import static io.github.oauthcallback.store.StoreFixtures.registration;

/**
 * A separate JVM that writes to a token file, for the crash and multi-process tests.
 * <ul>
 * <li>{@code loop <file> <first>}: saves crash/writer with values v&lt;first&gt;, v&lt;first+1&gt;, ... until
 * killed, printing READY after the first save;</li>
 * <li>{@code distinct <file> <worker> <count>}: saves count distinct accounts of registration "concurrent";</li>
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
		String worker = args[2];
		int count = Integer.parseInt(args[3]);
		for (int i = 0; i < count; i++) {
			String name = worker + "-" + i;
			store.saveAuthorizedClient(client(registration("concurrent"), name, "t-" + name, null), account(name));
		}
	}

}
