/**
 * HTTP plumbing shared by the REST APIs and the listeners: JSON bodies and the contract's error shape, security
 * headers, the client address, safe log text, and the HTTP/1 listeners that Helidon 4.2 lacks (a deadline for a
 * request's headers, closing after {@code Connection: close}).
 *
 * <p>May depend on: {@code tenant} and {@code json}. Depended on by {@code api},
 * {@code admin} and {@code io.chat}.
 */
package io.chat.http;
