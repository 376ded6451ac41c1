/**
 * The one-login HTTP listener on the loopback interface (RFC 8252 section 7.3), built on the JDK's {@code
 * com.sun.net.httpserver}: where it binds, how it reads requests under a deadline, how it judges an authorization
 * response ({@code state}, {@code iss}) and the pages it answers with.
 */
@NullMarked
package io.github.oauthcallback.loopback;

import org.jspecify.annotations.NullMarked;
