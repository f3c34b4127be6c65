/**
 * Rate limits: a {@link io.chat.limits.Bucket} of permits refilled continuously (token bucket) or per fixed window,
 * and {@link io.chat.limits.KeyedLimits}, a bounded table of them per key. Depends on nothing else of ours.
 */
package io.chat.limits;
