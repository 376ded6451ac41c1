/**
 * Internal: no compatibility promise; may change in any release. The file store's encryption key kept in the
 * operating system's credential store (Secret Service on Linux, the macOS keychain, the Windows Credential Manager),
 * reached through each system's own command-line tool, the key always on the tool's standard input or output, never
 * on its command line.
 */
@NullMarked
package io.github.oauthcallback.internal.store.keychain;

import org.jspecify.annotations.NullMarked;
